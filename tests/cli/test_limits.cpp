// Resources and stable output: a table that cannot fit under the process's memory limit is refused
// with exit 3 and the bytes before it is allocated; a run killed mid-way leaves --out untouched.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace ivassign {
namespace {

/// 11 buyers, 4 signals, 16 states, per-buyer CI prior: 4.2 M profiles, a 570 MB table.
std::string large_table_instance(const std::string& dir) {
  const int n = 11, K = 4, m = 16;
  nlohmann::json doc;
  doc["format"] = "ivassign/1";
  doc["name"] = "large-table";
  doc["states"] = m;
  doc["buyers"] = n;
  doc["sellers"] = 1;
  doc["signals"] = std::vector<int>(n, K);
  doc["prior"]["lambda"] = std::vector<double>(m, 1.0 / m);
  std::vector<std::vector<std::vector<double>>> q(n, std::vector<std::vector<double>>(m, std::vector<double>(K)));
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < m; ++t)
      for (int x = 0; x < K; ++x) q[i][t][x] = x == (t + i) % K ? 0.55 : 0.15;
  doc["prior"]["q_per_buyer"] = q;
  doc["valuations"] = std::vector<std::vector<std::vector<double>>>(
      m, std::vector<std::vector<double>>(n, std::vector<double>(1, 1.0)));
  doc["costs"] = std::vector<std::vector<std::vector<double>>>(
      m, std::vector<std::vector<double>>(n, std::vector<double>(1, 0.0)));
  doc["observed"] = std::vector<int>(n, 0);
  const std::string path = dir + "/large-table.json";
  std::ofstream(path) << doc.dump();
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(Limits, ATableBeyondTheAddressSpaceLimitIsExit3WithTheBytes) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space: ulimit -v cannot apply";
#else
  const std::string path = large_table_instance(test::temp_dir());
  // in a child shell limited to 400 MB of address space
  const std::string command = "bash -c \"ulimit -v 400000; exec '" + test::cli_path() + "' mechanism '" + path +
                              "' --delta theorem1 --no-exact-delta --threads 1 --max-tensor-profiles 5000000\" 2>&1";
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[512];
  while (fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  const int status = pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 3) << out;
  EXPECT_NE(out.find("needs 570425344 bytes"), std::string::npos) << out;
  EXPECT_NE(out.find("available"), std::string::npos) << out;
#endif
}

TEST(Limits, ARunKilledMidWayLeavesTheOutFileAsItWas) {
  const std::string dir = test::temp_dir();
  const std::string path = large_table_instance(dir), out = dir + "/report.json";
  std::ofstream(out) << "{\"previous\": true}\n";
  // killed with SIGKILL 0.3 s in, while it builds the 570 MB table
  const std::string command = "bash -c \"'" + test::cli_path() + "' mechanism '" + path + "' --delta theorem1 "
                              "--no-exact-delta --max-tensor-profiles 5000000 --out '" + out +
                              "' & pid=\\$!; sleep 0.3; kill -9 \\$pid; wait \\$pid\" >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  EXPECT_NE(WEXITSTATUS(status), 0) << "the run was not killed";
  EXPECT_EQ(slurp(out), "{\"previous\": true}\n");
}

}  // namespace
}  // namespace ivassign
