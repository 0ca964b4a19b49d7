// examples/consumer/main.cpp — runs the mechanism on an instance's observed profile through the
// installed library: consumer [instance.json] (default: the bundled examples/spectrum-small.json).
#include <exception>
#include <iostream>
#include <string>

#include <ivassign/ivassign.hpp>

#ifndef IVASSIGN_CONSUMER_DEFAULT_INSTANCE
#define IVASSIGN_CONSUMER_DEFAULT_INSTANCE "examples/spectrum-small.json"
#endif

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : IVASSIGN_CONSUMER_DEFAULT_INSTANCE;
  try {
    const ivassign::Instance inst = ivassign::load_instance(path);
    if (inst.observed.empty()) {
      std::cerr << "consumer: " << path << " has no observed profile\n";
      return 2;
    }
    const ivassign::MechanismReport report = ivassign::run_mechanism(inst, {inst.observed}, {});
    const ivassign::ProfileOutcome& outcome = report.profiles.at(0);
    std::cout << "instance " << report.instance << "\n"
              << "welfare " << outcome.welfare << "\n"
              << "delta.used " << report.delta_used << " (" << ivassign::to_string(report.delta_source) << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return 1;
  }
}
