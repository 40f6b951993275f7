// The gateway's proof store (net/gateway/proofs/proof_store.hpp): bounded in memory, durable in
// RocksDB when given a store; and the response ids that name its proofs
// (net/gateway/openai/response.hpp).
#include "net/gateway/proofs/proof_store.hpp"

#include <gtest/gtest.h>

#include "net/gateway/openai/response.hpp"
#include "schemas/envelope.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::net::gateway {
namespace {

wire::id128 id_of(uint8_t fill) {
  wire::id128 id{};
  id.fill(fill);
  return id;
}

TEST(proof_store, keeps_at_most_its_bound_dropping_the_oldest) {
  proof_store store{2};
  store.put(id_of(1), {{1}, 10});
  store.put(id_of(2), {{2}, 20});
  store.put(id_of(1), {{1, 1}, 11});  // a replacement is not a new entry
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.find(id_of(1))->cost_micros, 11);
  store.put(id_of(3), {{3}, 30});
  EXPECT_EQ(store.size(), 2u);
  EXPECT_FALSE(store.find(id_of(1)).has_value());
  EXPECT_EQ(store.find(id_of(2))->sealed, bytes{2});
  EXPECT_EQ(store.find(id_of(3))->cost_micros, 30);
}

TEST(proof_store, durable_proofs_outlive_memory_and_the_store_object) {
  const private_key provider = wire::samples::test_key(5);
  const bytes sealed = wire::seal(wire::samples::sample_of<wire::ComputeProof>(provider), provider);
  const int64_t cost = 3;  // 12 + 2 tokens at 150,000 per million: 2.1, rounded up
  auto memory = std::make_shared<storage::memory_env>();
  const storage::store_options where{
      .path = "/gateway", .sync = false, .in_memory = true, .memory = memory};
  {
    proof_store store{1, std::shared_ptr<storage::store>(storage::store::open(where).value())};
    store.put(id_of(1), {sealed, cost});
    store.put(id_of(2), {sealed, cost});  // pushes id 1 out of memory
    const auto from_disk = store.find(id_of(1));
    ASSERT_TRUE(from_disk.has_value());
    EXPECT_EQ(from_disk->sealed, sealed);
    EXPECT_EQ(from_disk->cost_micros, cost);
  }
  proof_store reopened{1, std::shared_ptr<storage::store>(storage::store::open(where).value())};
  ASSERT_TRUE(reopened.find(id_of(2)).has_value());
  EXPECT_EQ(reopened.find(id_of(2))->cost_micros, cost);
  EXPECT_FALSE(reopened.find(id_of(3)).has_value());
}

TEST(response_id, names_the_task_and_reads_back) {
  const wire::id128 id = id_of(0xab);
  const std::string chat = openai::response_id(openai::endpoint::chat, id);
  EXPECT_EQ(chat, "chatcmpl-abababababababababababababababab");
  EXPECT_EQ(openai::task_id_of(chat), id);
  EXPECT_EQ(openai::task_id_of(openai::response_id(openai::endpoint::completion, id)), id);
  EXPECT_EQ(openai::task_id_of("abababababababababababababababab"), id);
  EXPECT_FALSE(openai::task_id_of("chatcmpl-abab").has_value());
  EXPECT_FALSE(openai::task_id_of("chatcmpl-zzababababababababababababababab").has_value());
}

}  // namespace
}  // namespace agora::net::gateway
