// ivassign/io.hpp — reading and writing instances and reports (JSON) in one include: the instance
// files and whole text files (ivassign/instance_io.hpp) and the reports (ivassign/report_io.hpp).
// Code that only reads or writes instances includes instance_io.hpp and compiles less.
//
//   auto inst = ivassign::load_instance("market.json");
//   std::cout << ivassign::report_to_json(ivassign::run_mechanism(inst, {inst.observed}));
#pragma once
#include "ivassign/instance_io.hpp"
#include "ivassign/report_io.hpp"
