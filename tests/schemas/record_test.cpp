// Stored records (schemas/record.hpp): pack and read back, refusal of damaged bytes and of a
// record of another kind, and the record identifiers.
#include "schemas/record.hpp"

#include <gtest/gtest.h>

#include "schemas/envelope.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::wire {
namespace {

ProviderRecordT sample_provider_record(const private_key& key) {
  ProviderRecordT record;
  record.provider = to_wire(key.address());
  record.registration = seal(samples::sample_of<Register>(key), key);
  record.status = ProviderStatus::Online;
  record.last_heartbeat_unix_s = samples::now_s;
  record.last_sequence = 7;
  record.tasks_completed = 100;
  return record;
}

TEST(Record, PacksAndReadsBack) {
  const private_key key = samples::test_key(41);
  const ProviderRecordT record = sample_provider_record(key);
  const bytes stored = pack(record);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(stored.data()) + 4, 4), "RPRV");
  result<stored_record<ProviderRecord>> read = read_record<ProviderRecord>(stored);
  ASSERT_TRUE(read.ok()) << read.error().to_string();
  std::unique_ptr<ProviderRecordT> back(read->root()->UnPack());
  EXPECT_EQ(pack(*back), stored);
  result<opened_envelope> registration = open(view(read->root()->registration()));
  ASSERT_TRUE(registration.ok()) << registration.error().to_string();
  EXPECT_EQ(registration->signer(), key.address());
}

TEST(Record, AnotherKindOrDamageIsCorrupt) {
  const private_key key = samples::test_key(42);
  const bytes stored = pack(sample_provider_record(key));
  EXPECT_EQ(read_record<TaskRecord>(stored).error().code, errc::corrupt);
  EXPECT_EQ(read_record<ProviderRecord>(byte_view(stored).first(stored.size() / 2)).error().code,
            errc::corrupt);
  EXPECT_EQ(read_record<ProviderRecord>(bytes{}).error().code, errc::corrupt);
}

TEST(Record, JournalRecordKeepsItsEntry) {
  const private_key key = samples::test_key(43);
  JournalRecordT record;
  record.entry = std::make_unique<JournalEntryT>(samples::sample_of<JournalEntry>(key));
  record.request = seal(samples::sample_of<Deposit>(key), key);
  result<stored_record<JournalRecord>> read = read_record<JournalRecord>(pack(record));
  ASSERT_TRUE(read.ok()) << read.error().to_string();
  EXPECT_EQ(read->root()->entry()->postings()->size(), 2u);
  EXPECT_EQ(check_fields(*read->root()->entry()).ok(), true);
}

}  // namespace
}  // namespace agora::wire
