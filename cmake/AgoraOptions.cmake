# Build options shared by every Agora target: warnings as errors in our own code, the ASan+UBSan
# configuration, and whether the CUDA backend is built.

option(AGORA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
set(AGORA_CUDA "AUTO" CACHE STRING "Build the CUDA backend: AUTO (when nvcc is found), ON, OFF")
set_property(CACHE AGORA_CUDA PROPERTY STRINGS AUTO ON OFF)

if(AGORA_SANITIZE)
  # Recoverable UBSan checks, so the runtime suppressions for CAF's own headers apply;
  # scripts/test.sh --sanitize sets halt_on_error=1, so any other finding still fails the run.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

include(CheckLanguage)
set(AGORA_WITH_CUDA OFF)
if(NOT AGORA_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # Hopper (H100/H200) unless told otherwise; set before enable_language, which would cache
    # nvcc's own default (sm_75 for CUDA 13) and leave the tensor-core kernels empty.
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90)
    endif()
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 17)  # CMake 3.25 knows no CUDA20 flag for nvcc
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    set(AGORA_WITH_CUDA ON)
  elseif(AGORA_CUDA STREQUAL "ON")
    message(FATAL_ERROR "AGORA_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
message(STATUS "agora: CUDA backend ${AGORA_WITH_CUDA}, sanitizers ${AGORA_SANITIZE}")

# Applies Agora's compile settings to one of our own targets (never to dependencies).
# -Wno-restrict: g++ 12 at -O3 reports impossible overlaps inside std::string's operator+
# (GCC bug 105651, fixed in 13); the warning is noise on this compiler.
function(agora_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-restrict>
    $<$<COMPILE_LANGUAGE:CUDA>:-Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Werror>)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
endfunction()
