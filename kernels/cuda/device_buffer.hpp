// Owned device memory: one cudaMalloc'd range, freed when the owner goes. Allocation failures
// come back as values (limit_exceeded for out of memory) naming what was being allocated.
#pragma once

#include <cstddef>
#include <utility>

#include "kernels/cuda/cuda_check.hpp"

namespace agora::kernels::cuda {

class device_buffer {
 public:
  device_buffer() = default;
  ~device_buffer() {
    if (data_ != nullptr)
      cudaFree(data_);  // cannot fail for a pointer cudaMalloc returned
  }
  device_buffer(device_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
  device_buffer& operator=(device_buffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
    return *this;
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;

  /// `bytes` of uninitialised device memory (at least 1 byte is asked for).
  static result<device_buffer> allocate(size_t bytes) {
    device_buffer out;
    AGORA_CUDA_CHECK(cudaMalloc(&out.data_, bytes == 0 ? 1 : bytes));
    out.bytes_ = bytes;
    return out;
  }

  void* get() const { return data_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace agora::kernels::cuda
