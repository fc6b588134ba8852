// A fixed-size array of trivial (plain-data) elements that starts all-zero
// without touching its memory: calloc of a large block maps zero pages lazily,
// so a big table costs only the pages a sweep really uses. This keeps the SYN
// engine's start-up fast (its tables are sized for the largest sweeps).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

namespace portpick {

template <typename T>
class ZeroedArray {
  static_assert(std::is_trivial_v<T>, "ZeroedArray holds plain data only (all-zero is its initial value)");

 public:
  explicit ZeroedArray(size_t size) : data_(static_cast<T*>(std::calloc(size, sizeof(T)))), size_(size) {
    if (data_ == nullptr) throw std::bad_alloc();
  }
  ~ZeroedArray() { std::free(data_); }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }

 private:
  T* data_;
  size_t size_;
};

}  // namespace portpick
