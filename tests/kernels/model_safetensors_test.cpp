// Tests for safetensors reading: each float dtype converts exactly, sharded folders resolve
// through the index, and every kind of damaged file (corrupt header, truncation, overlap, unknown
// dtype, wrong shape, missing tensor) gives its documented error instead of a crash.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels/model/float_convert.hpp"
#include "kernels/model/safetensors_file.hpp"
#include "kernels/model/tensor_store.hpp"
#include "tests/kernels/model_test_files.hpp"

namespace agora::kernels {
namespace {

using testing::raw_bytes;
using testing::safetensors_bytes;
using testing::temp_folder;
using testing::write_bytes;

// A folder whose model.safetensors is `header` + `data`; opening it gives the store or error.
result<tensor_store> open_single(const temp_folder& folder, const std::string& header,
                                 const std::string& data) {
  write_bytes(folder.path() / "model.safetensors", safetensors_bytes(header, data));
  return tensor_store::open(folder.path());
}

agora::error open_error(const std::string& header, const std::string& data) {
  temp_folder folder;
  auto store = open_single(folder, header, data);
  EXPECT_FALSE(store.ok());
  return store ? agora::error{} : store.error();
}

TEST(model_safetensors, half_formats_widen_exactly) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(bf16_to_f32(0xc040), -3.0f);
  EXPECT_EQ(f16_to_f32(0x3c00), 1.0f);
  EXPECT_EQ(f16_to_f32(0xc000), -2.0f);
  EXPECT_EQ(f16_to_f32(0x7bff), 65504.0f);
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(f16_to_f32(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(f16_to_f32(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7e00)));
  EXPECT_TRUE(std::signbit(f16_to_f32(0x8000)));
}

TEST(model_safetensors, reads_each_float_dtype) {
  temp_folder folder;
  const std::string data = raw_bytes<float>({1.5f, -2.0f, 0.25f, 8.0f}) +
                           raw_bytes<uint16_t>({0x3f80, 0xc040}) +
                           raw_bytes<uint16_t>({0x3c00, 0x3800, 0xc000});
  const std::string header = R"({"__metadata__": {"format": "pt"},
    "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
    "b": {"dtype": "BF16", "shape": [2], "data_offsets": [16, 20]},
    "c": {"dtype": "F16", "shape": [3, 1], "data_offsets": [20, 26]}})";
  auto store = open_single(folder, header, data);
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  auto a = store->load_f32("a", std::vector<uint64_t>{2, 2});
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_EQ(*a, (std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f}));
  EXPECT_EQ(*store->load_f32("b", std::vector<uint64_t>{2}), (std::vector<float>{1.0f, -3.0f}));
  EXPECT_EQ(*store->load_f32("c", std::vector<uint64_t>{3, 1}),
            (std::vector<float>{1.0f, 0.5f, -2.0f}));
  EXPECT_TRUE(store->contains("a"));
  EXPECT_FALSE(store->contains("__metadata__"));
  EXPECT_EQ(store->shape("c"), (std::vector<uint64_t>{3, 1}));
}

TEST(model_safetensors, wrong_shape_missing_tensor_and_unhandled_dtype) {
  temp_folder folder;
  const std::string header = R"({
    "model.layers.0.self_attn.q_proj.weight": {"dtype": "F32", "shape": [4, 2],
                                               "data_offsets": [0, 32]},
    "ids": {"dtype": "I64", "shape": [1], "data_offsets": [32, 40]}})";
  auto store = open_single(folder, header, std::string(40, '\0'));
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  auto wrong =
      store->load_f32("model.layers.0.self_attn.q_proj.weight", std::vector<uint64_t>{4, 4});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, errc::malformed);
  EXPECT_EQ(wrong.error().message, "model.safetensors: tensor "
                                   "model.layers.0.self_attn.q_proj.weight has shape [4,2], "
                                   "expected [4,4]");
  auto missing = store->load_f32("lm_head.weight", std::vector<uint64_t>{4, 2});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_NE(missing.error().message.find("lm_head.weight"), std::string::npos);
  auto ids = store->load_f32("ids", std::vector<uint64_t>{1});
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.error().code, errc::unsupported);
  EXPECT_NE(ids.error().message.find("ids has dtype I64"), std::string::npos);
}

TEST(model_safetensors, damaged_files_give_errors) {
  struct bad_case {
    std::string header, data;
    errc code;
    const char* message;
  };
  const bad_case cases[] = {
      {"{not json", "", errc::malformed, "model.safetensors: the header is not a JSON object"},
      {"[1]", "", errc::malformed, "not a JSON object"},
      {R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", std::string(4, 'x'),
       errc::corrupt, "model.safetensors: tensor w ends at byte 8"},
      {R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", std::string(8, 'x'),
       errc::malformed, "tensor w: data_offsets do not match"},
      {R"({"w": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 8]}})", std::string(8, 'x'),
       errc::unsupported, "tensor w has unknown dtype Q4"},
      {R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}})", std::string(8, 'x'),
       errc::malformed, "tensor w has no data_offsets"},
      {R"({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", std::string(8, 'x'),
       errc::malformed, "tensor w has no shape"},
      {R"({"w": {"shape": [2], "data_offsets": [0, 8]}})", std::string(8, 'x'), errc::malformed,
       "tensor w has no dtype"},
      {R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
          "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
       std::string(12, 'x'), errc::malformed, "overlaps"},
      {R"({"w": {"dtype": "F32", "shape": [4611686018427387904, 8], "data_offsets": [0, 8]}})",
       std::string(8, 'x'), errc::malformed, "data_offsets do not match"},
  };
  for (const bad_case& bad : cases) {
    agora::error e = open_error(bad.header, bad.data);
    EXPECT_EQ(e.code, bad.code) << bad.header;
    EXPECT_NE(e.message.find(bad.message), std::string::npos) << e.message;
  }
}

TEST(model_safetensors, truncated_header_and_tiny_files) {
  temp_folder folder;
  const std::string full = safetensors_bytes(R"({"w": {"dtype": "F32", "shape": [1],
      "data_offsets": [0, 4]}})",
                                             raw_bytes<float>({1.0f}));
  for (size_t cut : {size_t{0}, size_t{5}, size_t{8}, size_t{20}, full.size() - 1}) {
    write_bytes(folder.path() / "model.safetensors", full.substr(0, cut));
    auto store = tensor_store::open(folder.path());
    ASSERT_FALSE(store.ok()) << cut;
    EXPECT_TRUE(store.error().code == errc::corrupt || store.error().code == errc::malformed)
        << store.error().to_string();
    EXPECT_NE(store.error().message.find("model.safetensors"), std::string::npos);
  }
  std::string huge(8, '\xff');
  write_bytes(folder.path() / "model.safetensors", huge + "{}");
  EXPECT_EQ(tensor_store::open(folder.path()).error().code, errc::malformed);
}

TEST(model_safetensors, sharded_folder_through_the_index) {
  temp_folder folder;
  write_bytes(folder.path() / "model-00001-of-00002.safetensors",
              safetensors_bytes(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
                                raw_bytes<float>({3.0f})));
  write_bytes(folder.path() / "model-00002-of-00002.safetensors",
              safetensors_bytes(R"({"b": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}})",
                                raw_bytes<uint16_t>({0x4000})));
  testing::write_json(folder.path() / "model.safetensors.index.json",
                      boost::json::parse(R"({"metadata": {"total_size": 6}, "weight_map": {
                        "a": "model-00001-of-00002.safetensors",
                        "b": "model-00002-of-00002.safetensors"}})"));
  auto store = tensor_store::open(folder.path());
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  EXPECT_EQ(*store->load_f32("a", std::vector<uint64_t>{1}), std::vector<float>{3.0f});
  EXPECT_EQ(*store->load_f32("b", std::vector<uint64_t>{1}), std::vector<float>{2.0f});
  // The index places a tensor in the wrong shard.
  testing::write_json(folder.path() / "model.safetensors.index.json",
                      boost::json::parse(R"({"weight_map": {
                        "a": "model-00002-of-00002.safetensors",
                        "b": "model-00002-of-00002.safetensors"}})"));
  auto misplaced = tensor_store::open(folder.path());
  ASSERT_FALSE(misplaced.ok());
  EXPECT_EQ(misplaced.error().code, errc::malformed);
  EXPECT_NE(misplaced.error().message.find("tensor a"), std::string::npos);
  // A shard the index names is missing.
  std::filesystem::remove(folder.path() / "model-00002-of-00002.safetensors");
  testing::write_json(folder.path() / "model.safetensors.index.json",
                      boost::json::parse(R"({"weight_map": {
                        "b": "model-00002-of-00002.safetensors"}})"));
  auto missing = tensor_store::open(folder.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_NE(missing.error().message.find("model-00002-of-00002"), std::string::npos);
}

TEST(model_safetensors, no_weights_and_escaping_shard_names) {
  temp_folder folder;
  auto none = tensor_store::open(folder.path());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, errc::not_found);
  testing::write_json(folder.path() / "model.safetensors.index.json",
                      boost::json::parse(R"({"weight_map": {"a": "../../etc/passwd"}})"));
  auto escaping = tensor_store::open(folder.path());
  ASSERT_FALSE(escaping.ok());
  EXPECT_EQ(escaping.error().code, errc::malformed);
}

}  // namespace
}  // namespace agora::kernels
