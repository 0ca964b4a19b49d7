// src/solvers/local_search_device.hpp — the device mirror of a LocalSearch (src/solvers/local_search.hpp):
// the scorer and the changes the host made since its last sync. Internal to local_search*.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/descent_move.cuh"
#include "solvers/local_search.hpp"

namespace ivassign::descent {

/// The device scorer and what changed on the host since its last sync: H entries (i * s + j),
/// buyers (z, G(i, z_i)) and sellers (owner); `full` reloads everything instead.
struct LocalSearch::DeviceMirror {
  std::shared_ptr<device::DescentScorer> scorer;
  int slot = 0;  ///< this search's state in the scorer
  bool full = true;
  int cursor = 0;         ///< the next buyer the descent scores
  bool improved = false;  ///< the current pass moved a buyer
  DevicePatch patch;      ///< scratch of descend_on_device
  std::vector<std::int64_t> h_index, ht_index;  ///< (i, j) as i * s + j and as j * n + i
  std::vector<char> h_noted;  ///< n*s: the entry is in h_index already
  std::vector<int> buyers, sellers;
  int window = 1;  ///< buyers scored per launch (see the header)
  std::vector<kernels::DescentMove> best;
  void note(int i, int j, int n, int s) {
    const std::int64_t at = static_cast<std::int64_t>(i) * s + j;
    if (h_noted[static_cast<std::size_t>(at)]) return;
    h_noted[static_cast<std::size_t>(at)] = 1;
    h_index.push_back(at);
    ht_index.push_back(static_cast<std::int64_t>(j) * n + i);
  }
  void clear() {
    for (std::int64_t at : h_index) h_noted[static_cast<std::size_t>(at)] = 0;
    h_index.clear();
    ht_index.clear();
    buyers.clear();
    sellers.clear();
  }
};

}  // namespace ivassign::descent
