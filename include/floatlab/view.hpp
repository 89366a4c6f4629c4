// floatlab/view.hpp: array_view<T>, the one array argument of every floatlab operation.
//
// A pointer and a length (C++17 has no std::span). It converts from pointer + length,
// C arrays, and any contiguous container with data() and size() (std::array, std::vector,
// std::span, another array_view), so callers pass what they hold. It never owns memory.
#pragma once

#include <cstddef>

#include "config.hpp"

namespace floatlab {

namespace detail {
template <class C, class T, class = void>
struct is_contiguous_of : std::false_type {};
// C has data() returning a pointer convertible to T* (qualification only) and size().
template <class C, class T>
struct is_contiguous_of<C, T,
                        std::void_t<decltype(std::declval<C&>().data()), decltype(std::declval<C&>().size())>>
    : std::bool_constant<std::is_convertible_v<std::remove_pointer_t<decltype(std::declval<C&>().data())> (*)[],
                                               T (*)[]>> {};
}  // namespace detail

template <class T>
struct array_view {
  T* data = nullptr;
  std::size_t size = 0;

  constexpr array_view() noexcept = default;  // (defaulted: host and device without annotation)
  FLOATLAB_HOST_DEVICE constexpr array_view(T* d, std::size_t n) noexcept : data(d), size(n) {}
  template <std::size_t N>
  FLOATLAB_HOST_DEVICE constexpr array_view(T (&a)[N]) noexcept : data(a), size(N) {}
  template <class U, std::enable_if_t<std::is_same_v<const U, T>, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr array_view(array_view<U> v) noexcept : data(v.data), size(v.size) {}
  // Containers (std::vector, std::array, std::span, ...).
  template <class C, std::enable_if_t<detail::is_contiguous_of<C, T>::value, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr array_view(C& c) noexcept : data(c.data()), size(static_cast<std::size_t>(c.size())) {}
  template <class C, std::enable_if_t<detail::is_contiguous_of<const C, T>::value, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr array_view(const C& c) noexcept
      : data(c.data()), size(static_cast<std::size_t>(c.size())) {}

  FLOATLAB_HOST_DEVICE constexpr T& operator[](std::size_t i) const noexcept { return data[i]; }
  FLOATLAB_HOST_DEVICE constexpr T* begin() const noexcept { return data; }
  FLOATLAB_HOST_DEVICE constexpr T* end() const noexcept { return data + size; }
  FLOATLAB_HOST_DEVICE constexpr bool empty() const noexcept { return size == 0; }
  // Elements [offset, offset + count) (clamped to the view).
  FLOATLAB_HOST_DEVICE constexpr array_view subview(std::size_t offset, std::size_t count) const noexcept {
    if (offset > size) offset = size;
    if (count > size - offset) count = size - offset;
    return {data + offset, count};
  }
};

// Do two views share any byte? (Output arguments must not alias inputs unless documented.)
template <class T, class U>
FLOATLAB_HOST_DEVICE bool overlaps(array_view<T> a, array_view<U> b) noexcept {
  if (a.size == 0 || b.size == 0) return false;
  const auto a0 = reinterpret_cast<std::uintptr_t>(a.data), a1 = a0 + a.size * sizeof(T);
  const auto b0 = reinterpret_cast<std::uintptr_t>(b.data), b1 = b0 + b.size * sizeof(U);
  return a0 < b1 && b0 < a1;
}

}  // namespace floatlab
