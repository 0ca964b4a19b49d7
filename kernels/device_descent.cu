// The descent's search state on the device (kernels/device_launch.hpp, DescentState): the table H
// and its transpose, G(i, z_i), the matching, the owners and the welfare live in device arrays; a
// placement's H updates are for-eaches over the placement lists (one per block, in the CPU's order),
// and a window of buyers is scored by a for-each over (buyer, chunk of candidates) calling
// kernels::descent_move, the function the CPU loop calls, a for-each over the buyers reducing their
// chunks in candidate order, and the choice of the first allowed buyer with an improving move. Every
// step is deterministic (no atomics, each entry written by one index, a fixed reduction order over
// a total order), so the OpenMP device system gives the CPU's tables and moves bit for bit. One
// Thrust source for CUDA and OpenMP.
#include <thrust/fill.h>

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
constexpr std::uint64_t kParallelChunks = 64;        ///< about 4096 candidates
constexpr std::uint64_t kParallelEntries = 1 << 15;  ///< placement entries, buyer reductions

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

/// The best move among candidates [c * kChunk, (c + 1) * kChunk) of buyer first + index / chunks.
struct ChunkBest {
  const double *w, *wt, *h, *ht, *gown;
  const int *owner, *z;
  const std::uint64_t* near_start;
  const int* near_index;
  FactoredPair pair;
  int first, n, s, chunks;
  kernels::DescentMove* partial;
  IVA_HD void operator()(std::uint64_t index) const {
    const int i = first + static_cast<int>(index / static_cast<std::uint64_t>(chunks));
    const int c = static_cast<int>(index % static_cast<std::uint64_t>(chunks));
    const int a = z[i];
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

/// The window's first allowed buyer whose best move gains more than tol (the CPU loop's next mover);
/// one index.
struct Choose {
  const kernels::DescentMove* best;
  const char* allowed;
  int first, count;
  double tol;
  kernels::DescentChoice* out;
  IVA_HD void operator()(std::uint64_t) const {
    int r = 0;
    while (r < count && !(allowed[first + r] != 0 && best[r].gain > tol)) ++r;
    *out = r < count ? kernels::DescentChoice{r, best[r].kind, best[r].target} : kernels::DescentChoice{count, 0, -1};
  }
};

/// One block of a placement (PlacementCosts::for_each): H(i, j) += sign * buyer value * seller value
/// for every (i, j) of a buyer list and a seller list, H^T with it, and G(i, z_i) when j = z_i
/// (gown null: left alone). The lists hold distinct buyers and distinct sellers, so each index
/// writes its own entries.
struct PlaceBlock {
  const int *buyers, *sellers;
  const double *buyer_value, *seller_value;
  std::uint64_t seller_count;
  double sign;
  std::int64_t n, s;
  double *h, *ht, *gown;
  const int* z;
  IVA_HD void operator()(std::uint64_t k) const {
    const std::uint64_t a = k / seller_count, b = k % seller_count;
    const int i = buyers[a], j = sellers[b];
    const double v = buyer_value[a] * seller_value[b];
    const double delta = sign * v;
    h[i * s + j] += delta;
    ht[j * n + i] += delta;
    if (gown != nullptr && z[i] == j) gown[i] -= delta;
  }
};

/// Buyer i's own part of a relocation from `from` to `to` (LocalSearch::relocate): the welfare
/// loses G(i, from) and gains G(i, to), the owners and z follow; one index. Placements never touch
/// row i of H, so these G's read the same entries before and after the placements.
struct MoveBuyer {
  const double *w, *h;
  double *gown, *value;
  int *z, *owner;
  int i, from, to;
  std::int64_t s;
  IVA_HD void operator()(std::uint64_t) const {
    const std::int64_t row = static_cast<std::int64_t>(i) * s;
    if (from >= 0) {
      *value -= w[row + from] - h[row + from];
      owner[from] = -1;
    }
    z[i] = to;
    if (to >= 0) {
      owner[to] = i;
      gown[i] = w[row + to] - h[row + to];
      *value += gown[i];
    }
  }
};

/// owner[z_i] = i for the matched buyers (owner all -1 before).
struct Owners {
  const int* z;
  int* owner;
  IVA_HD void operator()(std::uint64_t i) const {
    if (z[i] >= 0) owner[z[i]] = static_cast<int>(i);
  }
};

/// G(i, z_i) = w - H of the matched buyers, 0 for the others.
struct OwnPayoffs {
  const double *w, *h;
  const int* z;
  std::int64_t s;
  double* gown;
  IVA_HD void operator()(std::uint64_t i) const {
    const std::int64_t at = static_cast<std::int64_t>(i) * s + z[i];
    gown[i] = z[i] >= 0 ? w[at] - h[at] : 0.0;
  }
};

/// The welfare sum_i w(i, z_i) - H(i, z_i) / 2 in buyer order (LocalSearch::reset's sum); one index.
struct Welfare {
  const double *w, *h;
  const int* z;
  int n;
  std::int64_t s;
  double* value;
  IVA_HD void operator()(std::uint64_t) const {
    double v = 0.0;
    for (int i = 0; i < n; ++i)
      if (z[i] >= 0) v += w[i * s + z[i]] - 0.5 * h[i * s + z[i]];
    *value = v;
  }
};

}  // namespace

struct DescentState::State {
  DeviceArray<double> w, wt, weight, buyer, seller, h, ht, gown, value;
  DeviceArray<int> z, owner, near_index, list_buyer, list_seller;
  DeviceArray<double> list_buyer_value, list_seller_value;
  DeviceArray<char> allowed;
  DeviceArray<std::uint64_t> near_start;
  DeviceArray<kernels::DescentMove> partial, best;
  DeviceArray<kernels::DescentChoice> choice;
  std::vector<std::size_t> buyer_start, seller_start;  ///< host copies: the sizes of each placement's blocks
  int n = 0, s = 0, terms = 0, blocks = 0;

  /// Places buyer p at seller q with `sign` (PlacementCosts::for_each's blocks in order).
  void place(int p, int q, double sign, bool own_payoffs) {
    const std::size_t nn = static_cast<std::size_t>(n) + 1, sn = static_cast<std::size_t>(s) + 1;
    for (int b = 0; b < blocks; ++b) {
      const std::size_t a0 = buyer_start[b * nn + p], a1 = buyer_start[b * nn + p + 1];
      const std::size_t s0 = seller_start[b * sn + q], s1 = seller_start[b * sn + q + 1];
      if (a1 == a0 || s1 == s0) continue;
      for_each_index((a1 - a0) * (s1 - s0),
                     PlaceBlock{raw(list_buyer) + a0, raw(list_seller) + s0, raw(list_buyer_value) + a0,
                                raw(list_seller_value) + s0, s1 - s0, sign, n, s, raw(h), raw(ht),
                                own_payoffs ? raw(gown) : nullptr, raw(z)},
                     kParallelEntries);
    }
  }
};

DescentState::DescentState(const DescentProblem& p) : state_(std::make_unique<State>()) {
  guarded("the descent's device state", [&] {
    State& st = *state_;
    st.n = p.buyers;
    st.s = p.sellers;
    st.terms = p.terms;
    st.blocks = p.blocks;
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
    if (p.blocks > 0) {
      const std::size_t bn = static_cast<std::size_t>(p.blocks) * (n + 1), bs = static_cast<std::size_t>(p.blocks) * (s + 1);
      st.buyer_start.assign(p.buyer_start, p.buyer_start + bn);
      st.seller_start.assign(p.seller_start, p.seller_start + bs);
      st.list_buyer = upload(p.buyer_index, st.buyer_start.back(), "placement lists");
      st.list_buyer_value = upload(p.buyer_value, st.buyer_start.back(), "placement lists");
      st.list_seller = upload(p.seller_index, st.seller_start.back(), "placement lists");
      st.list_seller_value = upload(p.seller_value, st.seller_start.back(), "placement lists");
    }
    st.h = allocate<double>(n * s, "interaction table");
    st.ht = allocate<double>(n * s, "interaction table (transposed)");
    st.gown = allocate<double>(n, "buyer payoffs");
    st.value = allocate<double>(1, "welfare");
    st.z = allocate<int>(n, "matching");
    st.owner = allocate<int>(s, "seller owners");
    st.allowed = allocate<char>(n, "allowed buyers");
    st.choice = allocate<kernels::DescentChoice>(1, "move choice");
    thrust::fill(st.allowed.begin(), st.allowed.end(), char(1));
  });
}

DescentState::~DescentState() = default;

void DescentState::reset(const int* z) {
  guarded("the descent's device state", [&] {
    State& st = *state_;
    const std::size_t n = static_cast<std::size_t>(st.n);
    std::vector<int> host(z, z + n);
    copy_in(host.data(), n, st.z);
    thrust::fill(st.h.begin(), st.h.end(), 0.0);
    thrust::fill(st.ht.begin(), st.ht.end(), 0.0);
    thrust::fill(st.owner.begin(), st.owner.end(), -1);
    for_each_index(n, Owners{raw(st.z), raw(st.owner)}, kParallelEntries);
    for (int p = 0; p < st.n; ++p)
      if (host[p] >= 0) st.place(p, host[p], 1.0, false);
    for_each_index(n, OwnPayoffs{raw(st.w), raw(st.h), raw(st.z), st.s, raw(st.gown)}, kParallelEntries);
    for_each_index(1, Welfare{raw(st.w), raw(st.h), raw(st.z), st.n, st.s, raw(st.value)}, 2);
  });
}

void DescentState::set_allowed(const char* allowed) {
  guarded("the descent's device state", [&] { copy_in(allowed, static_cast<std::size_t>(state_->n), state_->allowed); });
}

void DescentState::relocate(int i, int from, int to) {
  guarded("the descent's device state", [&] {
    State& st = *state_;
    for_each_index(1, MoveBuyer{raw(st.w), raw(st.h), raw(st.gown), raw(st.value), raw(st.z), raw(st.owner), i, from, to, st.s}, 2);
    if (from >= 0) st.place(i, from, -1.0, true);
    if (to >= 0) st.place(i, to, 1.0, true);
  });
}

namespace {
/// Grows a work array to at least `count` entries (doubling), keeping none of its contents.
template <class T>
void reserve(DeviceArray<T>& a, std::size_t count, const char* what) {
  if (a.size() < count) a = allocate<T>(std::max(count, 2 * a.size()), what);
}
}  // namespace

kernels::DescentChoice DescentState::best_move(int first, int count, double tol) {
  kernels::DescentChoice out{0, 0, -1};
  if (count <= 0) return out;
  guarded("the descent's device state", [&] {
    State& st = *state_;
    const int chunks = (st.s + 1 + kChunk - 1) / kChunk;
    const std::uint64_t items = static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(chunks);
    reserve(st.partial, items, "candidate scores");
    reserve(st.best, static_cast<std::size_t>(count), "best moves");
    const FactoredPair pair{raw(st.weight), raw(st.buyer), raw(st.seller), st.terms, st.n, st.s};
    const std::uint64_t* near_start = st.near_start.size() > 0 ? raw(st.near_start) : nullptr;
    for_each_index(items, ChunkBest{raw(st.w), raw(st.wt), raw(st.h), raw(st.ht), raw(st.gown), raw(st.owner), raw(st.z),
                                    near_start, raw(st.near_index), pair, first, st.n, st.s, chunks, raw(st.partial)},
                   kParallelChunks);
    for_each_index(static_cast<std::uint64_t>(count), BuyerBest{raw(st.partial), chunks, raw(st.best)},
                   kParallelEntries / static_cast<std::uint64_t>(chunks));
    for_each_index(1, Choose{raw(st.best), raw(st.allowed), first, count, tol, raw(st.choice)}, 2);
    device::download(st.choice, 0, 1, &out);
  });
  return out;
}

double DescentState::value() const {
  double v = 0.0;
  guarded("the descent's device state", [&] { device::download(state_->value, 0, 1, &v); });
  return v;
}

void DescentState::download(double* h, double* gown) const {
  guarded("the descent's device state", [&] {
    const State& st = *state_;
    device::download(st.h, 0, st.h.size(), h);
    device::download(st.gown, 0, st.gown.size(), gown);
  });
}

}  // namespace ivassign::device
