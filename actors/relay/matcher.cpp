// The relay's matcher; see matcher.hpp.
#include "actors/relay/matcher.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/assert.hpp"

namespace agora::relay {
namespace {

/// splitmix64's finalizer: a bijection, so distinct slots give distinct tie-breaks.
uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// How many candidates ahead best() prefetches routing states: enough to cover a miss to
/// memory at a few ns per candidate.
constexpr size_t prefetch_distance = 16;

/// Above every routing_state::rank (32-bit buckets in each half): "filtered out", as pick::rank.
constexpr uint64_t rank_none = UINT64_MAX;

error no_provider() {
  return make_error(errc::limit_exceeded, std::string(no_providers_available));
}

/// The index of `model` among the record's offers; nullopt if it does not offer it.
std::optional<uint32_t> offer_of(const provider_record& record, std::string_view model) {
  for (size_t i = 0; i < record.models.size(); ++i)
    if (record.models[i].id == model)
      return static_cast<uint32_t>(i);
  return std::nullopt;
}

match_result result_of(const provider_record& record) {
  return match_result{record.provider, record.price_per_million_tokens};
}

}  // namespace

size_t matcher::id_hash::operator()(const wire::id128& id) const {
  uint64_t words[2];
  std::memcpy(words, id.data(), sizeof(words));
  return static_cast<size_t>(mix64(words[0] ^ mix64(words[1])));
}

matcher::matcher(registry& providers, random_source& rng, const matcher_config& config)
    : registry_(providers), rng_(rng), config_(config) {
  AGORA_ASSERT(config.sessions_max > 0);
  AGORA_ASSERT(config.candidates_max > 0);
}

result<match_result> matcher::match(const task_requirements& task, wall_time now) {
  const std::span<const model_entry> entries = registry_.serving(task.model);
  if (entries.empty())
    return make_error(errc::not_found, std::string(model_not_found));
  const filter f = filter_for(task, now);
  if (task.rental_session)
    return match_sticky(entries, f);
  const std::optional<uint32_t> slot = best(entries, f);
  if (!slot)
    return no_provider();
  return result_of(registry_.at(*slot));
}

result<match_result> matcher::route(const task_requirements& task, wall_time now) {
  result<match_result> matched = match(task, now);
  if (!matched)
    return matched;
  const status started = registry_.task_started(matched->provider);
  AGORA_ASSERT(started.ok());  // match() found it below max_concurrency just now
  return matched;
}

status matcher::bind_session(const wire::id128& session, const address& provider) {
  if (!sessions_.contains(session) && sessions_.size() >= config_.sessions_max)
    return make_error(errc::limit_exceeded,
                      "too many rental sessions (" + std::to_string(config_.sessions_max) + ")");
  sessions_.insert_or_assign(session, provider);
  return {};
}

void matcher::end_session(const wire::id128& session) {
  sessions_.erase(session);
}

std::optional<address> matcher::session_provider(const wire::id128& session) const {
  auto it = sessions_.find(session);
  if (it == sessions_.end())
    return std::nullopt;
  return it->second;
}

matcher::filter matcher::filter_for(const task_requirements& task, wall_time now) const {
  return filter{task, region_hash(task.region), now,
                now - registry_.config().liveness.unhealthy_after};
}

[[gnu::always_inline]] inline bool matcher::passes(const routing_state& r, uint32_t offer,
                                                   const filter& f) {
  AGORA_ASSERT(offer < 64);
  // Bitwise, not short-circuit: one hard-to-predict branch per candidate instead of six.
  const bool ready = ((r.models_ready >> offer) & 1) != 0;
  const bool open = r.free_capacity != 0;
  const bool alive = r.last_heard > f.heard_after;
  const bool priced = r.price_per_million_tokens <= f.task.price_cap_per_million_tokens;
  const bool tee = r.has_tee || f.task.tee == tee_requirement::any;
  const bool region = f.task.region.empty() || r.region_hash == f.region_hash;
  return ready & open & alive & priced & tee & region;
}

[[gnu::always_inline]] inline bool matcher::confirmed(uint32_t slot, const filter& f) const {
  if (!f.task.region.empty() && registry_.at(slot).region != f.task.region)
    return false;
  return f.task.excluded.empty() || std::find(f.task.excluded.begin(), f.task.excluded.end(),
                                              registry_.at(slot).provider) == f.task.excluded.end();
}

bool matcher::qualifies(uint32_t slot, uint32_t offer, const filter& f) const {
  AGORA_ASSERT(slot < registry_.routing().size());
  return passes(registry_.routing()[slot], offer, f) && confirmed(slot, f);
}

void matcher::consider(std::span<const model_entry> part, const filter& f, uint64_t salt,
                       pick* best) const {
  // Lowest rank wins; among equal ranks the lowest mix64(slot ^ salt). A candidate that fails
  // the filters gets rank_none, so the common case (worse or filtered) is one predictable branch.
  const std::span<const routing_state> routing = registry_.routing();
  for (size_t i = 0; i < part.size(); ++i) {
    // The states of one model's providers are scattered over the array: fetch ahead.
    if (i + prefetch_distance < part.size())
      __builtin_prefetch(&routing[part[i + prefetch_distance].slot]);
    const model_entry& entry = part[i];
    AGORA_ASSERT(entry.slot < routing.size());
    const routing_state& r = routing[entry.slot];
    const uint64_t rank = passes(r, entry.offer, f) ? r.rank : rank_none;
    if (rank > best->rank || rank == rank_none || !confirmed(entry.slot, f))
      continue;
    const uint64_t tie = mix64(entry.slot ^ salt);
    if (rank < best->rank || tie < best->tie)
      *best = pick{entry.slot, rank, tie};
  }
}

std::optional<uint32_t> matcher::best(std::span<const model_entry> entries, const filter& f) {
  const uint64_t salt = rng_.next_u64();
  const size_t n = entries.size();
  const size_t window = std::min(n, config_.candidates_max);
  const size_t start = window < n ? rng_.uniform(n) : 0;
  pick chosen;
  // Entries [from, from + count), wrapping around the end.
  auto scan = [&](size_t from, size_t count) {
    const size_t head = std::min(count, n - from);
    consider(entries.subspan(from, head), f, salt, &chosen);
    consider(entries.subspan(0, count - head), f, salt, &chosen);
  };
  scan(start, window);
  if (!chosen.slot && window < n)
    scan((start + window) % n, n - window);  // none in the window: anyone at all?
  AGORA_ASSERT(!chosen.slot || registry_.accepts_work(registry_.at(*chosen.slot), f.now));
  AGORA_ASSERT(chosen.slot.has_value() == (chosen.rank != rank_none));
  return chosen.slot;
}

std::optional<uint32_t> matcher::sticky_slot(const wire::id128& session, wall_time now) const {
  auto bound = sessions_.find(session);
  if (bound == sessions_.end())
    return std::nullopt;
  const std::optional<uint32_t> slot = registry_.slot_of(bound->second);
  if (!slot)
    return std::nullopt;
  const provider_record& record = registry_.at(*slot);
  if (record.draining || registry_.liveness_of(record, now) != liveness::healthy)
    return std::nullopt;
  return slot;
}

result<match_result> matcher::match_sticky(std::span<const model_entry> entries, const filter& f) {
  AGORA_ASSERT(f.task.rental_session.has_value());
  const wire::id128& session = *f.task.rental_session;
  if (const std::optional<uint32_t> slot = sticky_slot(session, f.now)) {
    const provider_record& record = registry_.at(*slot);
    const std::optional<uint32_t> offer = offer_of(record, f.task.model);
    if (!offer || !qualifies(*slot, *offer, f))
      return no_provider();  // its provider is busy or no longer serves the model
    return result_of(record);
  }
  const std::optional<uint32_t> slot = best(entries, f);
  if (!slot)
    return no_provider();
  const provider_record& record = registry_.at(*slot);
  if (auto bound = bind_session(session, record.provider); !bound)
    return bound.error();
  AGORA_ASSERT(sessions_.size() <= config_.sessions_max);
  return result_of(record);
}

}  // namespace agora::relay
