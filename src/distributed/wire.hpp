// src/distributed/wire.hpp — the byte format of the messages between ranks, without MPI (header only, so
// the test program compiles it in every configuration). One generic Writer and one generic Reader walk a
// value by its kind: a number, bool or enum (its bytes, so doubles travel exactly), a std::string, a
// std::vector, std::array or std::optional of anything here, or a struct whose fields are described once by a
// specialisation of wire::Fields (wire_fields.hpp):
//
//   template <> struct Fields<StageTwoProbe> {
//     static constexpr auto members = std::make_tuple(&StageTwoProbe::max_gain, &StageTwoProbe::tried, ...);
//   };
//
// Writing and reading both walk that one list, so they cannot disagree; complete<T>() (static_assert'ed
// next to each description) fails the build when T has a field the list leaves out.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ivassign/error.hpp"

namespace ivassign::distributed::wire {

/// Specialised for each struct that travels: `static constexpr auto members` a std::tuple of pointers to
/// every data member of T (wire_fields.hpp). The order is the order on the wire.
template <class T>
struct Fields;

namespace detail {

template <class T, class = void>
struct Described : std::false_type {};
template <class T>
struct Described<T, std::void_t<decltype(Fields<T>::members)>> : std::true_type {};

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
struct IsArray : std::false_type {};
template <class T, std::size_t N>
struct IsArray<std::array<T, N>> : std::true_type {};

/// Numbers, bools and enums travel as their bytes; so does a std::array of them (no padding).
template <class T>
struct Plain : std::bool_constant<std::is_arithmetic_v<T> || std::is_enum_v<T>> {};
template <class T, std::size_t N>
struct Plain<std::array<T, N>> : Plain<T> {};

template <class>
inline constexpr bool kUnsupported = false;

/// Converts to anything: T{AnyField{}, ...} compiles for up to as many initializers as T has fields.
struct AnyField {
  template <class U>
  operator U() const;  // declared only: used in unevaluated contexts
};

template <class T, class Indices, class = void>
struct BraceInitializable : std::false_type {};
template <class T, std::size_t... I>
struct BraceInitializable<T, std::index_sequence<I...>, std::void_t<decltype(T{(void(I), AnyField{})...})>>
    : std::true_type {};

/// Member pointers of different types are different members; of one type, compared.
template <class A, class B>
constexpr bool same_member(A a, B b) {
  if constexpr (std::is_same_v<A, B>)
    return a == b;
  else
    return false;
}

/// How often the member m appears in the tuple of member pointers t.
template <class M, class Tuple>
constexpr std::size_t occurrences(M m, const Tuple& t) {
  return std::apply([m](auto... b) { return (std::size_t{0} + ... + std::size_t{same_member(m, b)}); }, t);
}

}  // namespace detail

/// The number of data members of the aggregate T, counted by brace initialization (how many initializers
/// T{...} accepts; a public base would count as one): independent of any description, and unlike a
/// comparison of sizeof it also sees a field that sits in another's padding.
template <class T, std::size_t N = 0>
constexpr std::size_t aggregate_field_count() {
  static_assert(std::is_aggregate_v<T>, "wire: only aggregates (no constructors, no private fields) are counted");
  if constexpr (detail::BraceInitializable<T, std::make_index_sequence<N + 1>>::value)
    return aggregate_field_count<T, N + 1>();
  else
    return N;
}

/// The number of members Fields<T> describes.
template <class T>
constexpr std::size_t described_field_count() {
  return std::tuple_size_v<std::remove_const_t<decltype(Fields<T>::members)>>;
}

/// True when Fields<T> names every data member of T exactly once: as many distinct members as T has.
template <class T>
constexpr bool complete() {
  constexpr auto members = Fields<T>::members;
  const bool distinct =
      std::apply([members](auto... m) { return (true && ... && (detail::occurrences(m, members) == 1)); }, members);
  return distinct && described_field_count<T>() == aggregate_field_count<T>();
}

/// Calls f(field) on every described field of x (const or not), in the description's order.
template <class T, class F>
void for_each_field(T& x, F&& f) {
  std::apply([&](auto... member) { (f(x.*member), ...); }, Fields<std::remove_const_t<T>>::members);
}

/// Appends values in the wire format.
class Writer {
 public:
  template <class T>
  Writer& operator()(const T& v) {
    if constexpr (detail::Plain<T>::value) {
      raw(&v, sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string>) {
      size(v.size());
      raw(v.data(), v.size());
    } else if constexpr (detail::IsVector<T>::value) {
      using E = typename T::value_type;
      static_assert(!std::is_same_v<E, bool>, "wire: std::vector<bool> is not contiguous; use std::vector<char>");
      size(v.size());
      if constexpr (detail::Plain<E>::value)
        raw(v.data(), v.size() * sizeof(E));
      else
        for (const E& e : v) (*this)(e);
    } else if constexpr (detail::IsOptional<T>::value) {
      (*this)(v.has_value());
      if (v) (*this)(*v);
    } else if constexpr (detail::IsArray<T>::value) {
      for (const auto& e : v) (*this)(e);
    } else if constexpr (detail::Described<T>::value) {
      for_each_field(v, [this](const auto& field) { (*this)(field); });
    } else {
      static_assert(detail::kUnsupported<T>, "wire: describe the struct's fields (wire::Fields, wire_fields.hpp)");
    }
    return *this;
  }

  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

 private:
  void size(std::size_t n) { (*this)(static_cast<std::uint64_t>(n)); }
  void raw(const void* data, std::size_t n) {
    if (n > 0) bytes_.append(static_cast<const char*>(data), n);
  }
  std::string bytes_;
};

/// Reads what Writer wrote, in the same order; a message that ends early throws Error.
class Reader {
 public:
  explicit Reader(const std::string& bytes) : at_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  template <class T>
  Reader& operator()(T& v) {
    if constexpr (detail::Plain<T>::value) {
      raw(&v, sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string>) {
      v.assign(size(1), '\0');
      raw(v.data(), v.size());
    } else if constexpr (detail::IsVector<T>::value) {
      using E = typename T::value_type;
      if constexpr (detail::Plain<E>::value) {
        v.resize(size(sizeof(E)));
        raw(v.data(), v.size() * sizeof(E));
      } else {
        v.clear();
        const std::size_t n = size(0);
        v.reserve(std::min(n, left()));
        for (std::size_t k = 0; k < n; ++k) (*this)(v.emplace_back());
      }
    } else if constexpr (detail::IsOptional<T>::value) {
      if (read<bool>())
        (*this)(v.emplace());
      else
        v.reset();
    } else if constexpr (detail::IsArray<T>::value) {
      for (auto& e : v) (*this)(e);
    } else if constexpr (detail::Described<T>::value) {
      for_each_field(v, [this](auto& field) { (*this)(field); });
    } else {
      static_assert(detail::kUnsupported<T>, "wire: describe the struct's fields (wire::Fields, wire_fields.hpp)");
    }
    return *this;
  }

  template <class T>
  T read() {
    T v{};
    (*this)(v);
    return v;
  }

  bool done() const { return at_ == end_; }
  std::size_t left() const { return static_cast<std::size_t>(end_ - at_); }

 private:
  /// A length; `unit` bytes per item at least must follow (0: not checked here).
  std::size_t size(std::size_t unit) {
    const auto n = read<std::uint64_t>();
    if (unit > 0 && n > left() / unit) ended_early();
    return static_cast<std::size_t>(n);
  }
  void raw(void* out, std::size_t n) {
    if (n > left()) ended_early();
    if (n > 0) std::memcpy(out, at_, n);
    at_ += n;
  }
  [[noreturn]] static void ended_early() { throw Error("MPI: a task result ended early (corrupt message)"); }
  const char* at_;
  const char* end_;
};

/// One value as bytes.
template <class T>
std::string encode(const T& value) {
  Writer w;
  w(value);
  return w.take();
}

/// The value `encode` wrote; Error when the bytes end early or hold more.
template <class T>
T decode(const std::string& bytes) {
  Reader r(bytes);
  T value = r.read<T>();
  if (!r.done()) throw Error("MPI: a message holds " + std::to_string(r.left()) + " bytes more than its value");
  return value;
}

}  // namespace ivassign::distributed::wire
