// The descent's candidate moves scored on the device (kernels/device_launch.hpp, DescentScorer): a
// mirror of the search state, patched with the entries each accepted move changed, and one batched
// scoring of every candidate of a window of buyers — a for-each over (buyer, chunk of candidates)
// calling kernels::descent_move, the function the CPU loop calls, then a for-each over the buyers
// reducing their chunks in candidate order. Every step is deterministic (no atomics, a fixed
// reduction order over a total order), so the OpenMP device system gives the CPU's moves bit for
// bit. One Thrust source for CUDA and OpenMP.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/descent_move.cuh"
#include "kernels/device.cuh"
#include "kernels/device_launch.hpp"

namespace ivassign::device {

namespace {

constexpr int kChunk = 64;  ///< candidates one work item scores in index order
// below these sizes the OpenMP device system runs a launch on the calling thread (for_each_index)
constexpr std::uint64_t kParallelChunks = 64;      ///< about 4096 candidates
constexpr std::uint64_t kParallelEntries = 1 << 15;  ///< patch entries, buyer reductions

/// The sellers near seller a (sorted CSR row): every seller when there is no neighbour table.
struct NearOf {
  const std::uint64_t* start;
  const int* index;
  int a;
  IVA_HD bool operator()(int j) const {
    if (start == nullptr) return true;
    std::uint64_t lo = start[a], hi = start[a + 1];
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (index[mid] < j) lo = mid + 1;
      else hi = mid;
    }
    return lo < start[a + 1] && index[lo] == j;
  }
};

/// pair(i, j, k, b) = c_ij^kb + c_kb^ij of the factored form (0 with no terms), as the CPU sums it.
struct FactoredPair {
  const double *weight, *buyer, *seller;
  int terms;
  std::int64_t n, s;
  IVA_HD double operator()(int i, int j, int k, int b) const {
    return kernels::factored_pair_cost(weight, buyer, seller, terms, n, s, i, j, k, b) +
           kernels::factored_pair_cost(weight, buyer, seller, terms, n, s, k, b, i, j);
  }
};

/// The windows of one batch, packed: buyer_start (windows + 1: prefix of the counts), then the
/// slot and the first buyer of each window.
struct Windows {
  const std::int64_t* packed;
  int count;
  /// Window of the g-th buyer of the batch, and that buyer's slot and index.
  IVA_HD void locate(std::int64_t g, int* slot, int* buyer) const {
    int lo = 0, hi = count;  // the last window whose start is <= g
    while (hi - lo > 1) {
      const int mid = (lo + hi) / 2;
      if (packed[mid] <= g) lo = mid;
      else hi = mid;
    }
    *slot = static_cast<int>(packed[count + 1 + lo]);
    *buyer = static_cast<int>(packed[2 * count + 1 + lo] + (g - packed[lo]));
  }
};

/// The best move among candidates [c * kChunk, (c + 1) * kChunk) of the batch's g-th buyer (index =
/// g * chunks + c), read from its slot's state.
struct ChunkBest {
  const double *w, *wt, *h_all, *ht_all, *gown_all;
  const int *owner_all, *z_all;
  const std::uint64_t* near_start;
  const int* near_index;
  FactoredPair pair;
  Windows windows;
  int n, s, chunks;
  kernels::DescentMove* partial;
  IVA_HD void operator()(std::uint64_t index) const {
    const auto g = static_cast<std::int64_t>(index / static_cast<std::uint64_t>(chunks));
    const int c = static_cast<int>(index % static_cast<std::uint64_t>(chunks));
    int slot, i;
    windows.locate(g, &slot, &i);
    const std::int64_t table = static_cast<std::int64_t>(slot) * n * s;
    const double *h = h_all + table, *ht = ht_all + table, *gown = gown_all + static_cast<std::int64_t>(slot) * n;
    const int* owner = owner_all + static_cast<std::int64_t>(slot) * s;
    const int a = z_all[static_cast<std::int64_t>(slot) * n + i];
    const std::int64_t row = static_cast<std::int64_t>(i) * s, col = static_cast<std::int64_t>(a) * n;
    // column a of w and H as rows of the transposes, like the CPU (a strided read misses the cache)
    const kernels::DescentRow view{i,     a,    a >= 0 ? gown[i] : 0.0, w + row, h + row, a >= 0 ? wt + col : nullptr,
                                   a >= 0 ? ht + col : nullptr, 1, owner, gown};
    const NearOf near{near_start, near_index, a};
    // in index order, the first strictly best kept (the CPU's scan; a NaN gain is never taken);
    // none: -inf at index s + 1, after every candidate
    kernels::DescentMove best{-HUGE_VAL, 0, s};
    const int end = (c + 1) * kChunk < s + 1 ? (c + 1) * kChunk : s + 1;
    for (int x = c * kChunk; x < end; ++x) {
      const kernels::DescentMove m = kernels::descent_move(view, x - 1, near, pair);
      if (m.gain > best.gain) best = m;
    }
    partial[index] = best;
  }
};

/// Buyer r's best move: its chunks reduced in candidate order.
struct BuyerBest {
  const kernels::DescentMove* partial;
  int chunks;
  kernels::DescentMove* best;
  IVA_HD void operator()(std::uint64_t r) const {
    const kernels::DescentMove* p = partial + r * static_cast<std::uint64_t>(chunks);
    kernels::DescentMove b = p[0];
    for (int c = 1; c < chunks; ++c)
      if (kernels::descent_better(p[c].gain, p[c].target + 1, b.gain, b.target + 1)) b = p[c];
    best[r] = b;
  }
};

/// Applies a packed patch: ints = [h index, ht index (nh each), buyer, z (nb each), seller, owner
/// (ns each)], reals = [h value (nh), gown (nb)].
struct ApplyPatch {
  const std::int64_t* ints;
  const double* reals;
  std::int64_t nh, nb, ns;
  double *h, *ht, *gown;
  int *z, *owner;
  IVA_HD void operator()(std::uint64_t index) const {
    const auto k = static_cast<std::int64_t>(index);
    if (k < nh) {
      h[ints[k]] = reals[k];
      ht[ints[nh + k]] = reals[k];
    } else if (k < nh + nb) {
      const std::int64_t b = ints[2 * nh + (k - nh)];
      z[b] = static_cast<int>(ints[2 * nh + nb + (k - nh)]);
      gown[b] = reals[k];
    } else {
      const std::int64_t q = k - nh - nb;
      owner[ints[2 * nh + 2 * nb + q]] = static_cast<int>(ints[2 * nh + 2 * nb + ns + q]);
    }
  }
};

}  // namespace

struct DescentScorer::State {
  DeviceArray<double> w, wt, weight, buyer, seller, h, ht, gown, reals;
  DeviceArray<int> z, owner, near_index;
  DeviceArray<std::uint64_t> near_start;
  DeviceArray<std::int64_t> ints;
  DeviceArray<kernels::DescentMove> partial, best;
  int n = 0, s = 0, terms = 0, slots = 1;
  DeviceArray<std::int64_t> windows;
  std::vector<std::int64_t> host_ints;  ///< the packed patch and windows, reused
  std::vector<double> host_reals;
};

DescentScorer::DescentScorer(const DescentProblem& p, int slots) : state_(std::make_unique<State>()) {
  guarded("the descent's move scoring", [&] {
    State& st = *state_;
    st.n = p.buyers;
    st.s = p.sellers;
    st.terms = p.terms;
    st.slots = slots < 1 ? 1 : slots;
    const std::size_t k = static_cast<std::size_t>(st.slots);
    const std::size_t n = static_cast<std::size_t>(p.buyers), s = static_cast<std::size_t>(p.sellers);
    const std::size_t t = static_cast<std::size_t>(p.terms);
    st.w = upload(p.w, n * s, "linear weights");
    st.wt = upload(p.wt, n * s, "linear weights (transposed)");
    if (t > 0) {
      st.weight = upload(p.weight, n * t, "externality weights");
      st.buyer = upload(p.buyer, t * n * n, "buyer externality matrices");
      st.seller = upload(p.seller, t * s * s, "seller externality matrices");
    }
    if (p.near_start != nullptr) {
      std::vector<std::uint64_t> start(p.near_start, p.near_start + s + 1);
      st.near_start = upload(start.data(), start.size(), "seller neighbours");
      st.near_index = upload(p.near_index, static_cast<std::size_t>(start.back()), "seller neighbours");
    }
    st.h = allocate<double>(k * n * s, "interaction tables");
    st.ht = allocate<double>(k * n * s, "interaction tables (transposed)");
    st.gown = allocate<double>(k * n, "buyer payoffs");
    st.z = allocate<int>(k * n, "matchings");
    st.owner = allocate<int>(k * s, "seller owners");
  });
}

DescentScorer::~DescentScorer() = default;

void DescentScorer::load(int slot, const double* h, const double* ht, const double* gown, const int* z,
                         const int* owner) {
  guarded("the descent's move scoring", [&] {
    State& st = *state_;
    const std::ptrdiff_t ns = static_cast<std::ptrdiff_t>(st.n) * st.s, n = st.n, s = st.s;
    if (ns > 0) {
      thrust::copy(h, h + ns, st.h.begin() + slot * ns);
      thrust::copy(ht, ht + ns, st.ht.begin() + slot * ns);
    }
    if (n > 0) {
      thrust::copy(gown, gown + n, st.gown.begin() + slot * n);
      thrust::copy(z, z + n, st.z.begin() + slot * n);
    }
    if (s > 0) thrust::copy(owner, owner + s, st.owner.begin() + slot * s);
  });
}

namespace {
/// Grows a staging array to at least `count` entries (doubling), keeping none of its contents.
template <class T>
void reserve(DeviceArray<T>& a, std::size_t count, const char* what) {
  if (a.size() < count) a = allocate<T>(std::max(count, 2 * a.size()), what);
}
}  // namespace

void DescentScorer::patch(const std::vector<std::int64_t>& h_index, const std::vector<std::int64_t>& ht_index,
                          const std::vector<double>& h_value,
                          const std::vector<int>& buyers, const std::vector<int>& z, const std::vector<double>& gown,
                          const std::vector<int>& sellers, const std::vector<int>& owner) {
  const std::size_t nh = h_index.size(), nb = buyers.size(), ns = sellers.size();
  if (nh + nb + ns == 0) return;
  std::vector<std::int64_t>& ints = state_->host_ints;
  ints.assign(h_index.begin(), h_index.end());
  ints.insert(ints.end(), ht_index.begin(), ht_index.end());
  ints.insert(ints.end(), buyers.begin(), buyers.end());
  ints.insert(ints.end(), z.begin(), z.end());
  ints.insert(ints.end(), sellers.begin(), sellers.end());
  ints.insert(ints.end(), owner.begin(), owner.end());
  std::vector<double>& reals = state_->host_reals;
  reals.assign(h_value.begin(), h_value.end());
  reals.insert(reals.end(), gown.begin(), gown.end());
  guarded("the descent's move scoring", [&] {
    State& st = *state_;
    reserve(st.ints, ints.size(), "state patch");
    reserve(st.reals, reals.size(), "state patch");
    copy_in(ints.data(), ints.size(), st.ints);
    copy_in(reals.data(), reals.size(), st.reals);
    for_each_index(nh + nb + ns,
                   ApplyPatch{raw(st.ints), raw(st.reals), static_cast<std::int64_t>(nh), static_cast<std::int64_t>(nb),
                              static_cast<std::int64_t>(ns), raw(st.h), raw(st.ht), raw(st.gown), raw(st.z),
                              raw(st.owner)},
                   kParallelEntries);
  });
}

void DescentScorer::best_moves(int first, int count, kernels::DescentMove* best) {
  best_moves({DescentWindow{0, first, count}}, best);
}

void DescentScorer::best_moves(const std::vector<DescentWindow>& windows, kernels::DescentMove* best) {
  std::int64_t total = 0;
  std::vector<std::int64_t>& packed = state_->host_ints;
  packed.assign(3 * windows.size() + 1, 0);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    packed[w] = total;
    packed[windows.size() + 1 + w] = windows[w].slot;
    packed[2 * windows.size() + 1 + w] = windows[w].first;
    total += windows[w].count > 0 ? windows[w].count : 0;
  }
  packed[windows.size()] = total;
  if (total <= 0) return;
  const int count = static_cast<int>(total);
  guarded("the descent's move scoring", [&] {
    State& st = *state_;
    reserve(st.windows, packed.size(), "move windows");
    copy_in(packed.data(), packed.size(), st.windows);
    const Windows view{raw(st.windows), static_cast<int>(windows.size())};
    const int chunks = (st.s + 1 + kChunk - 1) / kChunk;
    const std::uint64_t items = static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(chunks);
    reserve(st.partial, items, "candidate scores");
    reserve(st.best, static_cast<std::size_t>(count), "best moves");
    const FactoredPair pair{raw(st.weight), raw(st.buyer), raw(st.seller), st.terms, st.n, st.s};
    const std::uint64_t* near_start = st.near_start.size() > 0 ? raw(st.near_start) : nullptr;
    for_each_index(items, ChunkBest{raw(st.w), raw(st.wt), raw(st.h), raw(st.ht), raw(st.gown), raw(st.owner), raw(st.z),
                                    near_start, raw(st.near_index), pair, view, st.n, st.s, chunks, raw(st.partial)},
                   kParallelChunks);
    for_each_index(static_cast<std::uint64_t>(count), BuyerBest{raw(st.partial), chunks, raw(st.best)},
                   kParallelEntries / static_cast<std::uint64_t>(chunks));
    download(st.best, 0, static_cast<std::size_t>(count), best);
  });
}

}  // namespace ivassign::device
