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

/// The don't-look marks (LocalSearch's, src/solvers/local_search.hpp): candidate (i, j) marked,
/// buyer i to rescan whole, the move count when seller j was last logged and when buyer i last
/// scanned. Flags are only ever set to 1 by a move (idempotent writes) and cleared by a scan.
struct Marks {
  char *marked, *dirty;
  std::int64_t *stamp, *seen;
  std::int64_t s;
  /// Whether clean buyer i's candidate toward seller j (>= 0) may have started to improve.
  IVA_HD bool candidate(int i, int j) const { return marked[i * s + j] != 0 || stamp[j] > seen[i]; }
  /// LocalSearch::mark_entry: after a change of H(i, j) that may have raised a gain.
  IVA_HD void entry(int i, int j, const int* z, const int* owner, std::int64_t clock) const {
    marked[i * s + j] = 1;
    if (z[i] == j) {
      dirty[i] = 1;
      stamp[j] = clock;
    }
    const int o = owner[j];
    if (o >= 0 && z[i] >= 0) marked[o * s + z[i]] = 1;
  }
};

/// The best move among candidates [c * kChunk, (c + 1) * kChunk) of buyer first + index / chunks:
/// all of them when the buyer is to be rescanned whole, else its marked ones (the CPU loop's).
struct ChunkBest {
  const double *w, *wt, *h, *ht, *gown;
  const int *owner, *z;
  const std::uint64_t* near_start;
  const int* near_index;
  FactoredPair pair;
  Marks marks;
  int first, n, s, chunks;
  kernels::DescentMove* partial;
  IVA_HD void operator()(std::uint64_t index) const {
    const int i = first + static_cast<int>(index / static_cast<std::uint64_t>(chunks));
    const bool whole = marks.dirty[i] != 0;
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
      if (!whole && (x == 0 || !marks.candidate(i, x - 1))) continue;  // leaving: only a change of G(i, a)
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

/// The allowed buyers of the window up to the mover, as the CPU loop visits them: scanned at `clock`.
struct Visit {
  const char* allowed;
  Marks marks;
  int first;
  std::int64_t clock;
  IVA_HD void operator()(std::uint64_t r) const {
    const int i = first + static_cast<int>(r);
    if (allowed[i] == 0) return;
    marks.dirty[i] = 0;
    marks.seen[i] = clock;
    for (std::int64_t j = 0; j < marks.s; ++j) marks.marked[i * marks.s + j] = 0;
  }
};

/// One block of a placement (PlacementCosts::for_each): H(i, j) += sign * buyer value * seller value
/// for every (i, j) of a buyer list and a seller list, H^T with it, and G(i, z_i) when j = z_i
/// (gown null: left alone); with `mark`, the marks of LocalSearch::place (a fall of H(i, j), j != z_i,
/// or a rise of H(i, z_i)). The lists hold distinct buyers and distinct sellers, so each index
/// writes its own table entries (marks are flags set to 1).
struct PlaceBlock {
  const int *buyers, *sellers;
  const double *buyer_value, *seller_value;
  std::uint64_t seller_count;
  double sign;
  std::int64_t n, s;
  double *h, *ht, *gown;
  const int *z, *owner;
  bool mark;
  Marks marks;
  std::int64_t clock;
  IVA_HD void operator()(std::uint64_t k) const {
    const std::uint64_t a = k / seller_count, b = k % seller_count;
    const int i = buyers[a], j = sellers[b];
    const double v = buyer_value[a] * seller_value[b];
    const double delta = sign * v;
    h[i * s + j] += delta;
    ht[j * n + i] += delta;
    if (gown != nullptr && z[i] == j) gown[i] -= delta;
    if (mark && (z[i] == j ? delta > 0.0 : delta < 0.0)) marks.entry(i, j, z, owner, clock);
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
  bool mark;  ///< i rescanned whole, both sellers logged
  Marks marks;
  std::int64_t clock;
  IVA_HD void operator()(std::uint64_t) const {
    const std::int64_t row = static_cast<std::int64_t>(i) * s;
    if (mark) {
      marks.dirty[i] = 1;
      if (from >= 0) marks.stamp[from] = clock;
      if (to >= 0) marks.stamp[to] = clock;
    }
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

/// A buyer not allowed is rescanned whole once allowed again (LocalSearch::compact_seller_log).
struct Unallowed {
  const char* allowed;
  char* dirty;
  IVA_HD void operator()(std::uint64_t i) const {
    if (allowed[i] == 0) dirty[i] = 1;
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
  DeviceArray<char> allowed, marked, dirty, settled_dirty;
  DeviceArray<std::int64_t> stamp, seen;
  std::int64_t clock = 0;  ///< relocations since the reset: the marks' time
  DeviceArray<std::uint64_t> near_start;
  DeviceArray<kernels::DescentMove> partial, best;
  DeviceArray<kernels::DescentChoice> choice;
  std::vector<std::size_t> buyer_start, seller_start;  ///< host copies: the sizes of each placement's blocks
  int n = 0, s = 0, terms = 0, blocks = 0;

  Marks marks() const { return Marks{raw(marked), raw(dirty), raw(stamp), raw(seen), s}; }

  /// Places buyer p at seller q with `sign` (PlacementCosts::for_each's blocks in order).
  void place(int p, int q, double sign, bool own_payoffs, bool mark) {
    const std::size_t nn = static_cast<std::size_t>(n) + 1, sn = static_cast<std::size_t>(s) + 1;
    for (int b = 0; b < blocks; ++b) {
      const std::size_t a0 = buyer_start[b * nn + p], a1 = buyer_start[b * nn + p + 1];
      const std::size_t s0 = seller_start[b * sn + q], s1 = seller_start[b * sn + q + 1];
      if (a1 == a0 || s1 == s0) continue;
      for_each_index((a1 - a0) * (s1 - s0),
                     PlaceBlock{raw(list_buyer) + a0, raw(list_seller) + s0, raw(list_buyer_value) + a0,
                                raw(list_seller_value) + s0, s1 - s0, sign, n, s, raw(h), raw(ht),
                                own_payoffs ? raw(gown) : nullptr, raw(z), raw(owner), mark, marks(), clock},
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
    st.marked = allocate<char>(n * s, "don't-look marks");
    st.dirty = allocate<char>(n, "don't-look marks");
    st.settled_dirty = allocate<char>(n, "don't-look marks");
    st.stamp = allocate<std::int64_t>(s, "don't-look marks");
    st.seen = allocate<std::int64_t>(n, "don't-look marks");
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
      if (host[p] >= 0) st.place(p, host[p], 1.0, false, false);
    // nothing scored at this matching yet
    st.clock = 0;
    thrust::fill(st.marked.begin(), st.marked.end(), char(0));
    thrust::fill(st.dirty.begin(), st.dirty.end(), char(1));
    thrust::fill(st.stamp.begin(), st.stamp.end(), std::int64_t(0));
    thrust::fill(st.seen.begin(), st.seen.end(), std::int64_t(0));
    for_each_index(n, OwnPayoffs{raw(st.w), raw(st.h), raw(st.z), st.s, raw(st.gown)}, kParallelEntries);
    for_each_index(1, Welfare{raw(st.w), raw(st.h), raw(st.z), st.n, st.s, raw(st.value)}, 2);
  });
}

void DescentState::set_allowed(const char* allowed) {
  guarded("the descent's device state", [&] {
    State& st = *state_;
    copy_in(allowed, static_cast<std::size_t>(st.n), st.allowed);
    for_each_index(static_cast<std::uint64_t>(st.n), Unallowed{raw(st.allowed), raw(st.dirty)}, kParallelEntries);
  });
}

void DescentState::relocate(int i, int from, int to, bool marks) {
  guarded("the descent's device state", [&] {
    State& st = *state_;
    ++st.clock;
    for_each_index(1,
                   MoveBuyer{raw(st.w), raw(st.h), raw(st.gown), raw(st.value), raw(st.z), raw(st.owner), i, from, to, st.s,
                             marks, st.marks(), st.clock},
                   2);
    if (from >= 0) st.place(i, from, -1.0, true, marks);
    if (to >= 0) st.place(i, to, 1.0, true, marks);
  });
}

void DescentState::settle() {
  guarded("the descent's device state", [&] {
    State& st = *state_;
    thrust::copy(st.dirty.begin(), st.dirty.end(), st.settled_dirty.begin());
  });
}

void DescentState::restore_settled() {
  guarded("the descent's device state", [&] {
    State& st = *state_;
    thrust::copy(st.settled_dirty.begin(), st.settled_dirty.end(), st.dirty.begin());
    thrust::fill(st.marked.begin(), st.marked.end(), char(0));
    thrust::fill(st.seen.begin(), st.seen.end(), st.clock);  // the sellers' log read by every buyer
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
                                    near_start, raw(st.near_index), pair, st.marks(), first, st.n, st.s, chunks,
                                    raw(st.partial)},
                   kParallelChunks);
    for_each_index(static_cast<std::uint64_t>(count), BuyerBest{raw(st.partial), chunks, raw(st.best)},
                   kParallelEntries / static_cast<std::uint64_t>(chunks));
    for_each_index(1, Choose{raw(st.best), raw(st.allowed), first, count, tol, raw(st.choice)}, 2);
    device::download(st.choice, 0, 1, &out);
    const int visited = out.offset + 1 < count ? out.offset + 1 : count;
    // each visited buyer clears its s flags: parallel past about a million of them
    for_each_index(static_cast<std::uint64_t>(visited), Visit{raw(st.allowed), st.marks(), first, st.clock},
                   std::max<std::uint64_t>(2, (std::uint64_t(1) << 20) / static_cast<std::uint64_t>(st.s + 1)));
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
