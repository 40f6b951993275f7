// The relay's provider registry; see registry.hpp.
#include "actors/relay/registry.hpp"

#include <algorithm>
#include <cstring>

#include "core/assert.hpp"
#include "schemas/limits.hpp"
#include "schemas/wire_types.hpp"

namespace agora::relay {
namespace {

// models_ready is a 64-bit mask over a provider's offers.
static_assert(wire::limits::models_max <= 64);

constexpr int latency_ewma_shift = 3;  // weight 1/8 per sample, as TCP's smoothed RTT
constexpr int error_ewma_shift = 4;    // weight 1/16 per outcome
constexpr int64_t ppm = 1'000'000;

uint64_t all_ready(size_t models) {
  AGORA_ASSERT(models <= 64);
  return models == 64 ? ~uint64_t{0} : (uint64_t{1} << models) - 1;
}

gpu_info gpu_from(const wire::GpuInfo& gpu) {
  return gpu_info{std::string(wire::view(gpu.name())),
                  gpu.vram_bytes(),
                  gpu.count(),
                  std::string(wire::view(gpu.driver_version())),
                  gpu.compute_capability_major(),
                  gpu.compute_capability_minor()};
}

using wire_offers = flatbuffers::Vector<flatbuffers::Offset<wire::ModelOffer>>;

/// The offers of a Register or ModelsUpdate, first of each id kept (open() bounded them to
/// models_max).
std::vector<model_offer> offers_from(const wire_offers* models) {
  std::vector<model_offer> offers;
  if (models == nullptr)
    return offers;
  for (const wire::ModelOffer* offer : *models) {
    std::string_view id = wire::view(offer->id());
    auto same = [id](const model_offer& o) { return o.id == id; };
    if (std::any_of(offers.begin(), offers.end(), same))
      continue;
    offers.push_back(model_offer{std::string(id), offer->max_context(),
                                 std::string(wire::view(offer->quantization())),
                                 wire::from_wire(*offer->weights_hash())});
  }
  AGORA_ASSERT(offers.size() <= wire::limits::models_max);
  return offers;
}

/// Replaces the offer part of `record` (hardware, models, region, prices, TEE) with `message`'s.
void take_offer(provider_record& record, const wire::Register& message) {
  record.gpus.clear();
  if (message.gpus() != nullptr)
    for (const wire::GpuInfo* gpu : *message.gpus())
      record.gpus.push_back(gpu_from(*gpu));
  record.cpu_model = std::string(wire::view(message.cpu_model()));
  record.cpu_cores = message.cpu_cores();
  record.memory_bytes = message.memory_bytes();
  record.models = offers_from(message.models());
  record.models_ready = all_ready(record.models.size());
  record.region = std::string(wire::view(message.region()));
  record.price_per_million_tokens = amount::from_micros(message.price_per_million_tokens_micros());
  record.price_per_gpu_hour = amount::from_micros(message.price_per_gpu_hour_micros());
  record.max_concurrency = message.max_concurrency();
  record.tee_type = message.tee() == nullptr ? wire::TeeType::None : message.tee()->type();
  record.tee_evidence.clear();
  if (message.tee() != nullptr) {
    byte_view evidence = wire::view(message.tee()->evidence());
    record.tee_evidence.assign(evidence.begin(), evidence.end());
  }
}

/// The mask of `offers` named in a Heartbeat's available_models; names not offered are ignored.
uint64_t ready_mask(const std::vector<model_offer>& offers,
                    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* names) {
  uint64_t mask = 0;
  if (names == nullptr)
    return mask;
  for (const flatbuffers::String* name : *names)
    for (size_t i = 0; i < offers.size(); ++i)
      if (offers[i].id == wire::view(name))
        mask |= uint64_t{1} << i;
  AGORA_ASSERT((mask & ~all_ready(offers.size())) == 0);
  return mask;
}

void record_outcome(provider_record& record, const task_outcome& outcome) {
  AGORA_ASSERT(outcome.latency.count() >= 0);
  switch (outcome.status) {
  case wire::TaskStatus::Completed:
    if (record.jobs_completed == 0)
      record.latency_ewma = outcome.latency;
    else
      record.latency_ewma += (outcome.latency - record.latency_ewma) / (1 << latency_ewma_shift);
    record.jobs_completed++;
    break;
  case wire::TaskStatus::Cancelled: return;  // the renter's doing: says nothing about the provider
  default: record.jobs_failed++; break;
  }
  const int64_t target = outcome.status == wire::TaskStatus::Completed ? 0 : ppm;
  const int64_t error = record.error_ppm;
  record.error_ppm = static_cast<uint32_t>(error + (target - error) / (1 << error_ewma_shift));
  AGORA_ASSERT(record.error_ppm <= ppm);
}

}  // namespace

uint32_t region_hash(std::string_view region) {
  return static_cast<uint32_t>(std::hash<std::string_view>{}(region));
}

size_t registry::address_hash::operator()(const address& a) const {
  // Addresses are keccak-256 output: any 8 bytes are uniform; folding three words in keeps
  // every byte significant.
  uint64_t words[3];
  std::memcpy(&words[0], a.raw().data(), 8);
  std::memcpy(&words[1], a.raw().data() + 8, 8);
  std::memcpy(&words[2], a.raw().data() + 12, 8);
  return static_cast<size_t>((words[0] ^ (words[1] * 0x9e3779b97f4a7c15ull)) + words[2]);
}

registry::registry(const address& relay_id, const registry_config& config)
    : relay_id_(relay_id), config_(config), session_ids_(config.session_ids_max) {
  AGORA_ASSERT(!relay_id.is_zero());
  AGORA_ASSERT(config.clock_skew_max.count() >= 0);
  AGORA_ASSERT(config.providers_max > 0);
  AGORA_ASSERT(config.liveness.unhealthy_after < config.liveness.offline_after);
  AGORA_ASSERT(config.ranking.latency.count() > 0);
  AGORA_ASSERT(config.ranking.error_ppm > 0);
}

// ------------------------------------------------------------------------------------------------
// Provider session messages

status registry::register_provider(const wire::opened_envelope& envelope, wall_time now) {
  const wire::Register* message = envelope.as<wire::Register>();
  const address provider = envelope.signer();
  AGORA_ASSERT(provider == wire::from_wire(*message->provider()));  // open() bound them
  const address relay = wire::from_wire(*message->relay());
  if (relay != relay_id_)
    return make_error(errc::invalid_argument, "Register.relay: " + relay.to_string() +
                                                  " is not this relay (" + relay_id_.to_string() +
                                                  ")");
  if (status fresh = check_timestamp(message->timestamp_unix_s(), now); !fresh)
    return fresh;
  session_ids_.expire(unix_seconds(now));
  const byte_view session = wire::view(message->session_id());
  if (session_ids_.contains(session))
    return make_error(errc::replayed, "Register.session_id: already used on this relay");
  const bool known = slots_.contains(provider);
  if (!known && slots_.size() >= config_.providers_max)
    return make_error(errc::limit_exceeded, "the relay has its maximum of " +
                                                std::to_string(config_.providers_max) +
                                                " providers");
  const int64_t forget_after = message->timestamp_unix_s() + config_.clock_skew_max.count();
  if (status remembered = session_ids_.insert(session, forget_after); !remembered)
    return remembered;

  const uint32_t slot = known ? slots_.at(provider) : allocate_slot(provider);
  unindex_models(slot);
  provider_record& record = records_[slot];
  take_offer(record, *message);
  record.session_id.assign(session.begin(), session.end());
  record.last_sequence.reset();
  record.connected_since = now;
  record.last_heard = now;
  record.draining = false;
  record.deregistering = false;
  index_models(slot);
  refresh(slot);
  AGORA_ASSERT(find(provider) == &record);
  return {};
}

status registry::heartbeat(const wire::opened_envelope& envelope, wall_time now) {
  const wire::Heartbeat* message = envelope.as<wire::Heartbeat>();
  result<uint32_t> slot = check_session(*message, now);
  if (!slot)
    return slot.error();
  provider_record& record = records_[*slot];
  record.last_sequence = message->sequence();
  record.last_heard = now;
  record.load_permille = message->load_permille();
  record.queue_depth = message->queue_depth();
  record.active_tasks = message->active_tasks();
  record.models_ready = ready_mask(record.models, message->available_models());
  refresh(*slot);
  return {};
}

status registry::drain(const wire::opened_envelope& envelope, wall_time now) {
  const wire::Drain* message = envelope.as<wire::Drain>();
  result<uint32_t> slot = check_session(*message, now);
  if (!slot)
    return slot.error();
  records_[*slot].last_sequence = message->sequence();
  records_[*slot].draining = true;
  refresh(*slot);
  return {};
}

status registry::update_models(const wire::opened_envelope& envelope, wall_time now) {
  const wire::ModelsUpdate* message = envelope.as<wire::ModelsUpdate>();
  result<uint32_t> slot = check_session(*message, now);
  if (!slot)
    return slot.error();
  unindex_models(*slot);
  provider_record& record = records_[*slot];
  record.last_sequence = message->sequence();
  record.models = offers_from(message->models());
  record.models_ready = all_ready(record.models.size());
  index_models(*slot);
  refresh(*slot);
  return {};
}

result<deregistration> registry::deregister(const wire::opened_envelope& envelope, wall_time now) {
  const wire::Deregister* message = envelope.as<wire::Deregister>();
  result<uint32_t> slot = check_session(*message, now);
  if (!slot)
    return slot.error();
  provider_record& record = records_[*slot];
  record.last_sequence = message->sequence();
  record.draining = true;
  record.deregistering = true;
  refresh(*slot);
  if (record.in_flight > 0)
    return deregistration::pending;
  remove(*slot);
  return deregistration::removed;
}

template <class Message>
result<uint32_t> registry::check_session(const Message& message, wall_time now) const {
  const std::string name = wire::kind_name(wire::kind_of<Message>);
  const address provider = wire::from_wire(*message.provider());
  std::optional<uint32_t> slot = slot_of(provider);
  if (!slot)
    return make_error(errc::not_found, name + ": provider " + provider.to_string() +
                                           " is not registered on this relay");
  const provider_record& record = records_[*slot];
  const byte_view session = wire::view(message.session_id());
  if (!std::ranges::equal(session, record.session_id))
    return make_error(errc::not_found, name + ".session_id: not the provider's current session");
  if (status fresh = check_timestamp(message.timestamp_unix_s(), now); !fresh)
    return fresh.error();
  if (record.last_sequence && message.sequence() <= *record.last_sequence)
    return make_error(errc::replayed, name + ".sequence: " + std::to_string(message.sequence()) +
                                          " is not above " + std::to_string(*record.last_sequence));
  return *slot;
}

status registry::check_timestamp(int64_t timestamp_unix_s, wall_time now) const {
  const int64_t skew = timestamp_unix_s - unix_seconds(now);
  if (skew > config_.clock_skew_max.count() || -skew > config_.clock_skew_max.count())
    return make_error(errc::stale, "timestamp " + std::to_string(timestamp_unix_s) + " is " +
                                       std::to_string(skew) + " s from the relay's clock (max ±" +
                                       std::to_string(config_.clock_skew_max.count()) + " s)");
  return {};
}

// ------------------------------------------------------------------------------------------------
// Tasks

status registry::task_started(const address& provider) {
  std::optional<uint32_t> slot = slot_of(provider);
  if (!slot)
    return make_error(errc::not_found, "provider " + provider.to_string() + " is not registered");
  provider_record& record = records_[*slot];
  if (record.in_flight >= record.max_concurrency)
    return make_error(errc::limit_exceeded, "provider " + provider.to_string() + " runs " +
                                                std::to_string(record.in_flight) +
                                                " tasks, its maximum");
  record.in_flight++;
  AGORA_ASSERT(record.in_flight <= record.max_concurrency);
  refresh(*slot);
  return {};
}

status registry::task_finished(const address& provider, const task_outcome& outcome) {
  std::optional<uint32_t> slot = slot_of(provider);
  if (!slot)
    return make_error(errc::not_found, "provider " + provider.to_string() + " is not registered");
  provider_record& record = records_[*slot];
  if (record.in_flight == 0)  // the relay's bookkeeping went wrong: refuse, never count below 0
    return make_error(errc::invalid_argument,
                      "provider " + provider.to_string() + " has no task in flight");
  record.in_flight--;
  record_outcome(record, outcome);
  refresh(*slot);
  if (record.deregistering && record.in_flight == 0)
    remove(*slot);
  return {};
}

// ------------------------------------------------------------------------------------------------
// Liveness

liveness registry::liveness_of(const provider_record& record, wall_time now) const {
  return liveness_at(record.last_heard, now, config_.liveness);
}

bool registry::accepts_work(const provider_record& record, wall_time now) const {
  return !record.draining && record.in_flight < record.max_concurrency &&
         liveness_of(record, now) == liveness::healthy;
}

void registry::tick(wall_time now, std::vector<liveness_change>* changes) {
  AGORA_ASSERT(changes != nullptr);
  for (provider_record& record : records_) {
    if (record.provider.is_zero())
      continue;  // a free slot
    const liveness current = liveness_of(record, now);
    if (current == record.reported)
      continue;
    liveness_change change{record.provider, record.reported, current, std::nullopt};
    if (current == liveness::offline)
      change.offline_since = offline_since(record.last_heard, config_.liveness);
    changes->push_back(change);
    record.reported = current;
  }
}

// ------------------------------------------------------------------------------------------------
// Lookups and slots

const provider_record* registry::find(const address& provider) const {
  std::optional<uint32_t> slot = slot_of(provider);
  return slot ? &records_[*slot] : nullptr;
}

std::optional<uint32_t> registry::slot_of(const address& provider) const {
  auto it = slots_.find(provider);
  if (it == slots_.end())
    return std::nullopt;
  AGORA_ASSERT(records_[it->second].provider == provider);
  return it->second;
}

const provider_record& registry::at(uint32_t slot) const {
  AGORA_ASSERT(slot < records_.size());
  AGORA_ASSERT(!records_[slot].provider.is_zero());
  return records_[slot];
}

std::span<const model_entry> registry::serving(std::string_view model) const {
  auto it = models_.find(model);
  if (it == models_.end())
    return {};
  AGORA_ASSERT(!it->second.empty());
  return it->second;
}

uint32_t registry::allocate_slot(const address& provider) {
  AGORA_ASSERT(!provider.is_zero());
  uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(records_.size());
    records_.emplace_back();
    routing_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  AGORA_ASSERT(records_[slot].provider.is_zero());
  records_[slot].provider = provider;
  slots_.emplace(provider, slot);
  return slot;
}

void registry::index_models(uint32_t slot) {
  const provider_record& record = records_[slot];
  for (size_t i = 0; i < record.models.size(); ++i)
    models_[record.models[i].id].push_back(model_entry{slot, static_cast<uint32_t>(i)});
}

void registry::unindex_models(uint32_t slot) {
  for (const model_offer& offer : records_[slot].models) {
    auto it = models_.find(offer.id);
    AGORA_ASSERT(it != models_.end());
    size_t erased =
        std::erase_if(it->second, [slot](const model_entry& e) { return e.slot == slot; });
    AGORA_ASSERT(erased == 1);
    if (it->second.empty())
      models_.erase(it);
  }
}

void registry::remove(uint32_t slot) {
  provider_record& record = records_[slot];
  AGORA_ASSERT(record.in_flight == 0);
  unindex_models(slot);
  size_t erased = slots_.erase(record.provider);
  AGORA_ASSERT(erased == 1);
  record = provider_record{};
  routing_[slot] = routing_state{};
  free_slots_.push_back(slot);
}

void registry::refresh(uint32_t slot) {
  const provider_record& record = records_[slot];
  const ranking_buckets& buckets = config_.ranking;
  AGORA_ASSERT(record.latency_ewma.count() >= 0);
  AGORA_ASSERT(record.in_flight <= record.max_concurrency);
  // Clamped to 32 bits: 2^32 buckets of ≥ 1 µs is over an hour, far slower than any task.
  const uint64_t latency_bucket =
      std::min<uint64_t>(record.latency_ewma / buckets.latency, UINT32_MAX);
  const uint64_t error_bucket = record.error_ppm / buckets.error_ppm;
  AGORA_ASSERT(error_bucket <= ppm);
  routing_[slot] = routing_state{record.last_heard,
                                 record.models_ready,
                                 record.price_per_million_tokens,
                                 latency_bucket << 32 | error_bucket,
                                 region_hash(record.region),
                                 record.draining ? 0 : record.max_concurrency - record.in_flight,
                                 record.tee_type != wire::TeeType::None};
}

}  // namespace agora::relay
