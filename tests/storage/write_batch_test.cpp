// Tests for storage/write_batch: operations keep their order, kind, column and bytes.
#include "storage/write_batch.hpp"

#include <gtest/gtest.h>

namespace agora::storage {
namespace {

bytes text(std::string_view s) {
  byte_view v = as_bytes(s);
  return bytes(v.begin(), v.end());
}

TEST(write_batch, keeps_operations_in_order_with_their_bytes) {
  write_batch batch;
  EXPECT_TRUE(batch.empty());
  batch.put(column::accounts, text("alice"), text("100"));
  batch.del(column::tasks, text("t1"));
  batch.put(column::meta, text("version"), {});
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.byte_size(), 5u + 3 + 2 + 7);

  std::vector<write_batch::op> ops;
  batch.for_each([&](const write_batch::op& op) { ops.push_back(op); });
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].kind, write_batch::op_kind::put);
  EXPECT_EQ(ops[0].col, column::accounts);
  EXPECT_EQ(bytes(ops[0].key.begin(), ops[0].key.end()), text("alice"));
  EXPECT_EQ(bytes(ops[0].value.begin(), ops[0].value.end()), text("100"));
  EXPECT_EQ(ops[1].kind, write_batch::op_kind::del);
  EXPECT_EQ(ops[1].col, column::tasks);
  EXPECT_EQ(bytes(ops[1].key.begin(), ops[1].key.end()), text("t1"));
  EXPECT_TRUE(ops[1].value.empty());
  EXPECT_EQ(ops[2].col, column::meta);
  EXPECT_TRUE(ops[2].value.empty());
}

TEST(write_batch, markers_column_is_off_limits) {
  write_batch batch;
  EXPECT_DEATH(batch.put(column::applied, text("id"), text("x")), "col != column::applied");
  EXPECT_DEATH(batch.put(column::meta, {}, text("x")), "key.empty");
}

}  // namespace
}  // namespace agora::storage
