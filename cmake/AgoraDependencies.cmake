# Finds every dependency of DESIGN §3 from its Debian 12 package. Nothing is vendored and nothing
# is downloaded: a missing package stops the configure step with the package name to install.

find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

find_library(CAF_CORE_LIBRARY caf_core REQUIRED)  # libcaf-dev ships no CMake package
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
add_library(agora_caf INTERFACE)
target_link_libraries(agora_caf INTERFACE ${CAF_IO_LIBRARY} ${CAF_CORE_LIBRARY} Threads::Threads)

find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(OpenSSL REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(CRYPTOPP REQUIRED IMPORTED_TARGET libcrypto++)
find_package(FlatBuffers REQUIRED)
find_program(FLATC flatc REQUIRED)
find_package(RocksDB REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenBLAS REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
