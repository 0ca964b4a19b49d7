// ivassign/error.hpp — the one exception hierarchy of the library.
//
// Every error the library raises derives from ivassign::Error, so a pipeline can catch one type.
// The subclasses say what kind of failure it is, and the command-line tool maps them to exit codes
// (cli.md): InputError -> 2 (bad input or usage), ResourceError -> 3 (memory, time limit with no
// feasible answer), anything else -> 1. Messages are written for the user: they name the key, the
// index and the rule that was broken, or the bytes needed and available. An option is named by its
// field (SpectrumOptions::buyers), never by a command-line flag: the tool prints its flags instead.
//
//   try { auto inst = ivassign::load_instance("market.json"); }
//   catch (const ivassign::InputError& e) { std::cerr << e.what() << "\n"; }
#pragma once
#include <stdexcept>
#include <string>

namespace ivassign {

/// Base of every exception thrown by ivassign.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// The input (a file, an option, an argument) breaks a documented rule. Nothing was computed.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(message) {}
};

/// A resource ran out: memory (host or device), or a limit was hit before any feasible answer.
class ResourceError : public Error {
 public:
  explicit ResourceError(const std::string& message) : Error(message) {}
};

/// A CUDA runtime call failed; the message carries the call, the CUDA error name and text.
class CudaError : public Error {
 public:
  explicit CudaError(const std::string& message) : Error(message) {}
};

}  // namespace ivassign
