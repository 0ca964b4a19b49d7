// ivassign/report_io.hpp — the reports of the mechanism, the incentive check and the replica
// experiment as JSON documents (shared spec report-format.md). Non-finite numbers become null.
//
//   auto report = ivassign::run_mechanism(inst, {inst.observed});
//   std::cout << ivassign::report_to_json(report);
//   std::cout << ivassign::check_report_to_json(ivassign::check_incentives(inst));
#pragma once
#include <string>

#include "ivassign/incentives.hpp"
#include "ivassign/mechanism.hpp"

namespace ivassign {

/// The mechanism report as an `ivassign-report/1` JSON document.
std::string report_to_json(const MechanismReport& report, int indent = 1);

/// The check report as an `ivassign-check/1` JSON document (report-format.md, "Check report").
std::string check_report_to_json(const CheckReport& report, int indent = 1);
/// The replica experiment as an `ivassign-replica/1` JSON document (one row per size).
std::string replica_report_to_json(const ReplicaReport& report, int indent = 1);

}  // namespace ivassign
