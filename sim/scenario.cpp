// Scenario parsing and validation with Boost.JSON (scenario.hpp, docs/SIMULATION.md).
#include "sim/scenario.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "core/assert.hpp"

namespace agora::sim {

namespace json = boost::json;

namespace {

/// The first validation error, with the path of the field it is about.
struct problems {
  std::optional<error> first;
  std::filesystem::path base_dir;  // what relative model folders are resolved against

  void fail(const std::string& path, const std::string& what) {
    if (!first)
      first = make_error(errc::invalid_argument, path + ": " + what);
  }
};

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

/// Fails on keys of `object` that are not in `known`.
void check_keys(const json::object& object, const std::string& path,
                std::initializer_list<std::string_view> known, problems& p) {
  for (const auto& [key, value] : object)
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end())
      p.fail(join(path, key), "unknown field");
}

const json::value* field(const json::object& o, std::string_view key, const std::string& path,
                         bool required, problems& p) {
  const json::value* v = o.if_contains(key);
  if (!v && required)
    p.fail(join(path, key), "required field is missing");
  return v;
}

std::optional<int64_t> integer(const json::value* v, const std::string& path, int64_t min,
                               const char* what, problems& p) {
  if (!v)
    return std::nullopt;
  if (v->is_int64() && v->as_int64() >= min)
    return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= uint64_t(INT64_MAX))
    return static_cast<int64_t>(v->as_uint64());
  p.fail(path, std::string("expected ") + what);
  return std::nullopt;
}

std::optional<std::string> text(const json::value* v, const std::string& path, problems& p) {
  if (!v)
    return std::nullopt;
  if (v->is_string() && !v->as_string().empty())
    return std::string(v->as_string());
  p.fail(path, "expected a non-empty string");
  return std::nullopt;
}

const json::array* array(const json::value* v, const std::string& path, problems& p) {
  if (v && v->is_array())
    return &v->as_array();
  if (v)
    p.fail(path, "expected an array");
  return nullptr;
}

const json::object* object(const json::value* v, const std::string& path, problems& p) {
  if (v && v->is_object())
    return &v->as_object();
  if (v)
    p.fail(path, "expected an object");
  return nullptr;
}

/// `behaviour`: "honest", {"wrong_result": p}, {"lazy": p} or {"fail_after_accept": p},
/// 0 < p ≤ 1.
void parse_behaviour(const json::value* v, const std::string& path, provider_spec& s, problems& p) {
  if (!v || (v->is_string() && v->as_string() == "honest"))
    return;
  const json::object* o = object(v, path, p);
  if (!o || o->size() != 1) {
    p.fail(path, "expected \"honest\", {\"wrong_result\": p}, {\"lazy\": p} or "
                 "{\"fail_after_accept\": p}");
    return;
  }
  const auto& [key, value] = *o->begin();
  if (key != "wrong_result" && key != "lazy" && key != "fail_after_accept")
    return p.fail(join(path, key), "unknown behaviour");
  const double q = value.is_number() ? value.to_number<double>() : -1.0;
  if (!(q > 0.0 && q <= 1.0))
    return p.fail(join(path, key), "expected a probability in (0, 1]");
  if (key == "wrong_result")
    s.wrong_result_p = q;
  else if (key == "lazy")
    s.lazy_p = q;
  else
    s.fail_after_accept_permille = static_cast<uint32_t>(q * 1000 + 0.5);
}

/// A model: "mock-model" (returns "") or {"folder": path} (returns the folder, resolved
/// against the scenario's directory, which must hold a config.json).
std::string parse_model(const json::value& v, const std::string& path, problems& p) {
  if (v.is_string() && v.as_string() == "mock-model")
    return "";
  const json::object* o = v.is_object() ? &v.as_object() : nullptr;
  if (!o) {
    p.fail(path, "expected \"mock-model\" or {\"folder\": path}");
    return "";
  }
  check_keys(*o, path, {"folder"}, p);
  const auto folder = text(field(*o, "folder", path, true, p), join(path, "folder"), p);
  if (!folder)
    return "";
  std::filesystem::path resolved(*folder);
  if (resolved.is_relative() && !p.base_dir.empty())
    resolved = p.base_dir / resolved;
  resolved = resolved.lexically_normal();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(resolved / "config.json", ec))
    p.fail(join(path, "folder"), "no model folder (config.json) at " + resolved.string());
  return resolved.string();
}

/// A clock offset in milliseconds, |x| ≤ clock_skew_ms_max.
std::optional<int64_t> skew_ms(const json::object& o, std::string_view key, const std::string& path,
                               problems& p) {
  const std::string at = join(path, key);
  const char* what = "an integer in [-86400000, 86400000] (milliseconds)";
  const auto v = integer(field(o, key, path, false, p), at, -clock_skew_ms_max, what, p);
  if (v && *v > clock_skew_ms_max) {
    p.fail(at, std::string("expected ") + what);
    return std::nullopt;
  }
  return v;
}

/// `offline`: [{"from": duration, "to": duration}, …], in time order, not overlapping.
std::vector<offline_window> parse_offline(const json::value* v, const std::string& path,
                                          problems& p) {
  std::vector<offline_window> out;
  const json::array* a = array(v, path, p);
  for (size_t i = 0; a && i < a->size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const json::object* o = object(&(*a)[i], at, p);
    if (!o)
      continue;
    check_keys(*o, at, {"from", "to"}, p);
    offline_window w;
    for (auto [key, target] : {std::pair{"from", &w.from_s}, std::pair{"to", &w.to_s}}) {
      const auto t = text(field(*o, key, at, true, p), join(at, key), p);
      auto d = t ? parse_duration_s(*t) : result<int64_t>(int64_t{0});
      if (!d)
        p.fail(join(at, key), d.error().message);
      *target = d ? *d : 0;
    }
    if (w.to_s <= w.from_s || (!out.empty() && w.from_s < out.back().to_s))
      p.fail(at + ".to", "expected windows in time order, each ending after it starts");
    out.push_back(w);
  }
  return out;
}

provider_spec parse_provider(const json::object& o, const std::string& path, problems& p) {
  check_keys(o, path,
             {"name", "count", "stake_micros", "price_per_million_micros", "models", "model",
              "behaviour", "offline", "clock_skew_ms"},
             p);
  provider_spec s;
  s.name = text(field(o, "name", path, true, p), path + ".name", p).value_or("");
  s.stake_micros = integer(field(o, "stake_micros", path, true, p), path + ".stake_micros", 1,
                           "a positive integer", p)
                       .value_or(0);
  s.price_per_million_micros =
      integer(field(o, "price_per_million_micros", path, true, p),
              path + ".price_per_million_micros", 1, "a positive integer", p)
          .value_or(0);
  s.models = {"mock-model"};
  if (const json::array* models = array(field(o, "models", path, false, p), path + ".models", p)) {
    s.models.clear();
    for (size_t i = 0; i < models->size(); ++i) {
      const std::string at = path + ".models[" + std::to_string(i) + "]";
      std::string m = text(&(*models)[i], at, p).value_or("");
      if (m != "mock-model")
        p.fail(at, "unknown model (the simulation's engines serve \"mock-model\")");
      s.models.push_back(std::move(m));
    }
  }
  if (const json::value* m = field(o, "model", path, false, p)) {
    if (o.contains("models"))
      p.fail(path + ".model", "give model or models, not both");
    s.model_folder = parse_model(*m, path + ".model", p);
    if (!s.model_folder.empty())
      s.models = {model_id_of_folder(s.model_folder)};
  }
  s.clock_skew_ms = skew_ms(o, "clock_skew_ms", path, p);
  parse_behaviour(field(o, "behaviour", path, false, p), path + ".behaviour", s, p);
  s.offline = parse_offline(field(o, "offline", path, false, p), path + ".offline", p);
  return s;
}

/// An integer field in [min, max], or `fallback` when absent.
int64_t bounded(const json::object& o, std::string_view key, const std::string& path, int64_t min,
                int64_t max, int64_t fallback, problems& p) {
  const std::string at = join(path, key);
  const std::string what =
      "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  const auto v = integer(field(o, key, path, false, p), at, min, what.c_str(), p);
  if (v && *v > max)
    p.fail(at, "expected " + what);
  return v && *v <= max ? *v : fallback;
}

/// A duration field of a fault ("at", "from", …): seconds, or 0 after recording an error.
int64_t duration_field(const json::object& o, std::string_view key, const std::string& path,
                       problems& p) {
  const auto t = text(field(o, key, path, true, p), join(path, key), p);
  if (!t)
    return 0;
  auto d = parse_duration_s(*t);
  if (!d)
    p.fail(join(path, key), d.error().message);
  return d ? *d : 0;
}

/// `rentals`: [{"at", "duration", "end_after", "gpus", "price_cap_per_gpu_hour_micros"}].
std::vector<rental_spec> parse_rentals(const json::value* v, const std::string& path, problems& p) {
  std::vector<rental_spec> out;
  const json::array* a = array(v, path, p);
  for (size_t i = 0; a && i < a->size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const json::object* o = object(&(*a)[i], at, p);
    if (!o)
      continue;
    check_keys(*o, at, {"at", "duration", "end_after", "gpus", "price_cap_per_gpu_hour_micros"}, p);
    rental_spec r;
    r.at_s = duration_field(*o, "at", at, p);
    r.duration_s = duration_field(*o, "duration", at, p);
    if (o->contains("end_after"))
      r.end_after_s = duration_field(*o, "end_after", at, p);
    r.gpus = static_cast<uint16_t>(bounded(*o, "gpus", at, 1, 16, 1, p));
    r.price_cap_per_gpu_hour_micros =
        bounded(*o, "price_cap_per_gpu_hour_micros", at, 1, INT64_MAX / 1'000'000, 3'000'000, p);
    if (r.end_after_s >= r.duration_s && r.end_after_s > 0)
      p.fail(join(at, "end_after"), "expected less than the duration (or leave it out)");
    out.push_back(r);
  }
  return out;
}

renter_spec parse_renter(const json::object& o, const std::string& path, problems& p) {
  check_keys(o, path,
             {"name", "count", "deposit_micros", "tasks_per_hour", "spot_check_permille",
              "max_tokens", "price_cap_per_million_micros", "rentals", "model"},
             p);
  renter_spec s;
  s.name = text(field(o, "name", path, true, p), path + ".name", p).value_or("");
  s.model = text(field(o, "model", path, false, p), path + ".model", p).value_or("mock-model");
  s.deposit_micros = integer(field(o, "deposit_micros", path, true, p), path + ".deposit_micros", 1,
                             "a positive integer", p)
                         .value_or(0);
  s.tasks_per_hour =
      static_cast<uint32_t>(integer(field(o, "tasks_per_hour", path, true, p),
                                    path + ".tasks_per_hour", 0, "a non-negative integer", p)
                                .value_or(0));
  const auto spot = integer(field(o, "spot_check_permille", path, false, p),
                            path + ".spot_check_permille", 0, "an integer in [0, 1000]", p);
  if (spot && *spot > 1000)
    p.fail(path + ".spot_check_permille", "expected an integer in [0, 1000]");
  s.spot_check_permille = static_cast<uint32_t>(spot.value_or(0));
  s.max_tokens = static_cast<uint32_t>(integer(field(o, "max_tokens", path, false, p),
                                               path + ".max_tokens", 1, "a positive integer", p)
                                           .value_or(8));
  s.price_cap_per_million_micros =
      integer(field(o, "price_cap_per_million_micros", path, false, p),
              path + ".price_cap_per_million_micros", 1, "a positive integer", p)
          .value_or(200'000'000);
  s.rentals = parse_rentals(field(o, "rentals", path, false, p), path + ".rentals", p);
  return s;
}

// -------------------------------------------------------------------------------------------------
// Network and faults

void parse_latency(const json::object& o, const std::string& path, network_spec& n, problems& p) {
  check_keys(o, path, {"distribution", "min_ms", "max_ms", "mean_ms"}, p);
  const std::string d =
      text(field(o, "distribution", path, false, p), join(path, "distribution"), p)
          .value_or("fixed");
  if (d == "uniform")
    n.latency = latency_distribution::uniform;
  else if (d == "exponential")
    n.latency = latency_distribution::exponential;
  else if (d != "fixed")
    p.fail(join(path, "distribution"), "expected \"fixed\", \"uniform\" or \"exponential\"");
  constexpr int64_t ms_max = 3'600'000;
  n.min_ms = bounded(o, "min_ms", path, 0, ms_max, 0, p);
  n.max_ms = bounded(o, "max_ms", path, 0, ms_max, n.min_ms, p);
  n.mean_ms = bounded(o, "mean_ms", path, 0, ms_max, 0, p);
  if (n.max_ms < n.min_ms)
    p.fail(join(path, "max_ms"), "expected max_ms >= min_ms");
  if (n.latency == latency_distribution::exponential && n.mean_ms == 0)
    p.fail(join(path, "mean_ms"), "expected a positive mean for an exponential distribution");
}

network_spec parse_network(const json::object& o, const std::string& path, problems& p) {
  check_keys(o, path,
             {"latency", "loss_permille", "duplicate_permille", "reorder_permille", "direction",
              "register_timeout"},
             p);
  network_spec n;
  if (const json::object* l = object(field(o, "latency", path, false, p), join(path, "latency"), p))
    parse_latency(*l, join(path, "latency"), n, p);
  n.loss_permille = static_cast<uint32_t>(bounded(o, "loss_permille", path, 0, 1000, 0, p));
  n.duplicate_permille =
      static_cast<uint32_t>(bounded(o, "duplicate_permille", path, 0, 1000, 0, p));
  n.reorder_permille = static_cast<uint32_t>(bounded(o, "reorder_permille", path, 0, 1000, 0, p));
  const std::string direction =
      text(field(o, "direction", path, false, p), join(path, "direction"), p).value_or("both");
  if (direction == "to_provider")
    n.direction = fault_direction::to_provider;
  else if (direction == "to_relay")
    n.direction = fault_direction::to_relay;
  else if (direction != "both")
    p.fail(join(path, "direction"), "expected \"both\", \"to_provider\" or \"to_relay\"");
  if (n.loss_permille == 1000)
    p.fail(join(path, "loss_permille"), "expected less than 1000 (use a partition)");
  if (const auto t =
          text(field(o, "register_timeout", path, false, p), join(path, "register_timeout"), p)) {
    auto d = parse_duration_s(*t);
    if (d)
      n.register_timeout_s = *d;
    else
      p.fail(join(path, "register_timeout"), d.error().message);
  }
  return n;
}

fault_spec parse_fault(const json::object& o, const std::string& path, problems& p) {
  fault_spec f;
  const std::string kind =
      text(field(o, "kind", path, true, p), join(path, "kind"), p).value_or("");
  if (kind == "partition") {
    check_keys(o, path, {"kind", "from", "to", "providers"}, p);
    f.at_s = duration_field(o, "from", path, p);
    f.end_s = duration_field(o, "to", path, p);
    const std::string at = join(path, "providers");
    if (const json::array* a = array(field(o, "providers", path, false, p), at, p))
      for (size_t i = 0; i < a->size(); ++i)
        f.providers.push_back(text(&(*a)[i], at + "[" + std::to_string(i) + "]", p).value_or(""));
  } else if (kind == "relay_crash" || kind == "escrow_crash") {
    f.kind = kind == "relay_crash" ? fault_kind::relay_crash : fault_kind::escrow_crash;
    check_keys(o, path, {"kind", "at", "restart_after", "mid_settlement"}, p);
    f.at_s = duration_field(o, "at", path, p);
    if (const json::value* v = field(o, "mid_settlement", path, false, p)) {
      if (v->is_bool() && f.kind == fault_kind::escrow_crash)
        f.mid_settlement = v->as_bool();
      else
        p.fail(join(path, "mid_settlement"), "expected true or false (escrow_crash only)");
    }
    f.end_s = f.at_s + duration_field(o, "restart_after", path, p);
  } else if (!kind.empty()) {
    p.fail(join(path, "kind"), "expected \"partition\", \"relay_crash\" or \"escrow_crash\"");
  }
  if (f.end_s <= f.at_s && !kind.empty())
    p.fail(path, "expected the fault to end after it starts");
  return f;
}

// -------------------------------------------------------------------------------------------------
// Expectations

balance_bound parse_bound(const json::object& o, const std::string& path, problems& p) {
  check_keys(o, path, {"party", "account", "min", "max"}, p);
  balance_bound b;
  b.party = text(field(o, "party", path, true, p), path + ".party", p).value_or("");
  const std::string account =
      text(field(o, "account", path, false, p), path + ".account", p).value_or("balance");
  if (account == "earnings")
    b.account = account_name::earnings;
  else if (account == "stake")
    b.account = account_name::stake;
  else if (account != "balance")
    p.fail(path + ".account", "expected \"balance\", \"earnings\" or \"stake\"");
  b.min = integer(field(o, "min", path, false, p), path + ".min", INT64_MIN, "an integer", p);
  b.max = integer(field(o, "max", path, false, p), path + ".max", INT64_MIN, "an integer", p);
  if (!b.min && !b.max)
    p.fail(path, "expected at least one of min and max");
  return b;
}

expectations parse_expectations(const json::object& o, const std::string& path, problems& p) {
  check_keys(
      o, path,
      {"money_conserved", "tasks_settled_min", "holds_closed", "slashed", "registered", "balances"},
      p);
  expectations e;
  if (const json::value* v = field(o, "holds_closed", path, false, p)) {
    if (v->is_bool())
      e.holds_closed = v->as_bool();
    else
      p.fail(path + ".holds_closed", "expected true or false");
  }
  if (const json::value* v = field(o, "money_conserved", path, false, p)) {
    if (v->is_bool())
      e.money_conserved = v->as_bool();
    else
      p.fail(path + ".money_conserved", "expected true or false");
  }
  if (auto n = integer(field(o, "tasks_settled_min", path, false, p), path + ".tasks_settled_min",
                       0, "a non-negative integer", p))
    e.tasks_settled_min = static_cast<uint64_t>(*n);
  const std::string slashed_path = path + ".slashed";
  if (const json::object* s = object(field(o, "slashed", path, false, p), slashed_path, p)) {
    for (const auto& [name, v] : *s) {
      if (!v.is_bool())
        p.fail(slashed_path + "." + std::string(name), "expected true or false");
      e.slashed.push_back({std::string(name), v.is_bool() && v.as_bool()});
    }
  }
  const std::string registered_path = path + ".registered";
  if (const json::object* s = object(field(o, "registered", path, false, p), registered_path, p)) {
    for (const auto& [name, v] : *s) {
      if (!v.is_bool())
        p.fail(registered_path + "." + std::string(name), "expected true or false");
      e.registered.push_back({std::string(name), v.is_bool() && v.as_bool()});
    }
  }
  const std::string bounds_path = path + ".balances";
  if (const json::array* a = array(field(o, "balances", path, false, p), bounds_path, p)) {
    for (size_t i = 0; i < a->size(); ++i) {
      const std::string at = bounds_path + "[" + std::to_string(i) + "]";
      if (const json::object* b = object(&(*a)[i], at, p))
        e.balances.push_back(parse_bound(*b, at, p));
    }
  }
  return e;
}

// -------------------------------------------------------------------------------------------------
// The whole file

template <class Spec, class Parse>
std::vector<Spec> parse_list(const json::object& root, std::string_view key, Parse parse,
                             problems& p) {
  std::vector<Spec> out;
  const std::string path(key);
  const json::array* a = array(field(root, key, "", true, p), path, p);
  if (a && a->empty())
    p.fail(path, "expected at least one entry");
  for (size_t i = 0; a && i < a->size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const json::object* o = object(&(*a)[i], at, p);
    if (!o)
      continue;
    const Spec spec = parse(*o, at, p);
    const int64_t count = bounded(*o, "count", at, 1, parties_per_entry_max, 1, p);
    if (!o->contains("count")) {
      out.push_back(spec);
      continue;
    }
    for (int64_t n = 0; n < count; ++n) {  // a group: NAME-0 … NAME-(count − 1)
      out.push_back(spec);
      out.back().name += "-" + std::to_string(n);
    }
  }
  return out;
}

/// Names must be unique across parties, and expectations must name parties that exist.
void check_names(const scenario& s, problems& p) {
  std::set<std::string> providers, renters;
  for (size_t i = 0; i < s.providers.size(); ++i)
    if (!providers.insert(s.providers[i].name).second)
      p.fail("providers[" + std::to_string(i) + "].name", "duplicate name");
  for (size_t i = 0; i < s.renters.size(); ++i)
    if (providers.contains(s.renters[i].name) || !renters.insert(s.renters[i].name).second)
      p.fail("renters[" + std::to_string(i) + "].name", "duplicate name");
  std::set<std::string> served;
  for (const provider_spec& x : s.providers)
    served.insert(x.models.begin(), x.models.end());
  for (size_t i = 0; i < s.renters.size(); ++i)
    if (!served.contains(s.renters[i].model))
      p.fail("renters[" + std::to_string(i) + "].model", "no provider serves this model");
  for (const slash_expectation& e : s.expect.slashed)
    if (!providers.contains(e.provider))
      p.fail("expectations.slashed." + e.provider, "no provider has this name");
  for (const registered_expectation& e : s.expect.registered)
    if (!providers.contains(e.provider))
      p.fail("expectations.registered." + e.provider, "no provider has this name");
  for (size_t i = 0; i < s.faults.size(); ++i)
    for (size_t j = 0; j < s.faults[i].providers.size(); ++j)
      if (!providers.contains(s.faults[i].providers[j]))
        p.fail("faults[" + std::to_string(i) + "].providers[" + std::to_string(j) + "]",
               "no provider has this name");
  for (size_t i = 0; i < s.expect.balances.size(); ++i) {
    const std::string& party = s.expect.balances[i].party;
    if (!providers.contains(party) && !renters.contains(party))
      p.fail("expectations.balances[" + std::to_string(i) + "].party", "no party has this name");
  }
}

/// `clock_skew`: {"bound_ms", "relay_ms", "escrow_ms"}.
clock_skew_spec parse_clock_skew(const json::object& o, const std::string& path, problems& p) {
  check_keys(o, path, {"bound_ms", "relay_ms", "escrow_ms"}, p);
  clock_skew_spec c;
  c.bound_ms = bounded(o, "bound_ms", path, 0, clock_skew_ms_max, 0, p);
  c.relay_ms = skew_ms(o, "relay_ms", path, p);
  c.escrow_ms = skew_ms(o, "escrow_ms", path, p);
  return c;
}

/// `arbiter`: {"models": ["mock-model" | {"folder": path}, …]}; absent: mock-model and every
/// provider's folder.
arbiter_spec parse_arbiter(const json::value* v, const std::vector<provider_spec>& providers,
                           problems& p) {
  arbiter_spec a;
  const json::object* o = object(v, "arbiter", p);
  if (!o) {
    for (const provider_spec& x : providers)
      if (!x.model_folder.empty() &&
          std::find(a.folders.begin(), a.folders.end(), x.model_folder) == a.folders.end())
        a.folders.push_back(x.model_folder);
    return a;
  }
  check_keys(*o, "arbiter", {"models"}, p);
  a.mock_model = false;
  const json::array* models = array(field(*o, "models", "arbiter", true, p), "arbiter.models", p);
  for (size_t i = 0; models && i < models->size(); ++i) {
    const std::string at = "arbiter.models[" + std::to_string(i) + "]";
    std::string folder = parse_model((*models)[i], at, p);
    if (folder.empty())
      a.mock_model = true;
    else if (std::find(a.folders.begin(), a.folders.end(), folder) != a.folders.end())
      p.fail(at, "listed twice");
    else
      a.folders.push_back(std::move(folder));
  }
  if (models && models->empty())
    p.fail("arbiter.models", "expected at least one model");
  return a;
}

void parse_header(const json::object& root, scenario& s, problems& p) {
  check_keys(root, "",
             {"name", "description", "seed", "duration", "providers", "renters", "network",
              "faults", "clock_skew", "arbiter", "crypto", "expectations"},
             p);
  s.name = text(field(root, "name", "", true, p), "name", p).value_or("");
  s.description = text(field(root, "description", "", false, p), "description", p).value_or("");
  s.seed = static_cast<uint64_t>(
      integer(field(root, "seed", "", false, p), "seed", 0, "a non-negative integer", p)
          .value_or(1));
  const auto crypto = text(field(root, "crypto", "", false, p), "crypto", p);
  if (crypto == "fast")
    s.crypto = crypto_kind::fast;
  else if (crypto && *crypto != "secp256k1")
    p.fail("crypto", "expected \"secp256k1\" or \"fast\"");
  const auto duration = text(field(root, "duration", "", true, p), "duration", p);
  if (duration) {
    auto d = parse_duration_s(*duration);
    if (d)
      s.duration_s = *d;
    else
      p.fail("duration", d.error().message);
  }
}

}  // namespace

result<int64_t> parse_duration_s(std::string_view t) {
  const auto bad = [&] {
    return make_error(errc::invalid_argument,
                      "expected a positive integer with a unit s, m, h or d, e.g. \"4h\"");
  };
  if (t.size() < 2)
    return bad();
  int64_t n = 0;
  for (char c : t.substr(0, t.size() - 1)) {
    if (c < '0' || c > '9' || n > INT64_MAX / 100'000)
      return bad();
    n = n * 10 + (c - '0');
  }
  const char unit = t.back();
  const int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3'600 : 86'400;
  if (n <= 0 || (unit != 's' && unit != 'm' && unit != 'h' && unit != 'd'))
    return bad();
  return n * scale;
}

result<scenario> parse_scenario(std::string_view text, const std::filesystem::path& base_dir) {
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec)
    return make_error(errc::invalid_argument, "(file): not valid JSON: " + ec.message());
  if (!root.is_object())
    return make_error(errc::invalid_argument, "(file): expected an object");
  const json::object& o = root.as_object();
  problems p;
  p.base_dir = base_dir;
  scenario s;
  parse_header(o, s, p);
  s.providers = parse_list<provider_spec>(o, "providers", parse_provider, p);
  s.renters = parse_list<renter_spec>(o, "renters", parse_renter, p);
  if (const json::object* n = object(field(o, "network", "", false, p), "network", p))
    s.network = parse_network(*n, "network", p);
  if (const json::array* a = array(field(o, "faults", "", false, p), "faults", p))
    for (size_t i = 0; i < a->size(); ++i) {
      const std::string at = "faults[" + std::to_string(i) + "]";
      if (const json::object* f = object(&(*a)[i], at, p))
        s.faults.push_back(parse_fault(*f, at, p));
    }
  if (const json::object* c = object(field(o, "clock_skew", "", false, p), "clock_skew", p))
    s.clock_skew = parse_clock_skew(*c, "clock_skew", p);
  s.arbiter = parse_arbiter(field(o, "arbiter", "", false, p), s.providers, p);
  if (const json::object* e = object(field(o, "expectations", "", false, p), "expectations", p))
    s.expect = parse_expectations(*e, "expectations", p);
  check_names(s, p);
  if (p.first)
    return *p.first;
  AGORA_ASSERT(!s.providers.empty());
  AGORA_ASSERT(!s.renters.empty());
  return s;
}

result<scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return make_error(errc::io_error, path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto s = parse_scenario(buffer.str(), std::filesystem::path(path).parent_path());
  if (!s)
    return make_error(s.error().code, path + ": " + s.error().message);
  return s;
}

std::string model_id_of_folder(const std::string& folder) {
  std::filesystem::path normal = std::filesystem::absolute(folder).lexically_normal();
  if (normal.filename().empty())
    normal = normal.parent_path();  // a trailing slash
  return normal.filename().string();
}

const char* to_string(fault_kind kind) {
  switch (kind) {
  case fault_kind::partition: return "partition";
  case fault_kind::relay_crash: return "relay_crash";
  case fault_kind::escrow_crash: return "escrow_crash";
  }
  return "?";
}

const char* to_string(latency_distribution d) {
  switch (d) {
  case latency_distribution::fixed: return "fixed";
  case latency_distribution::uniform: return "uniform";
  case latency_distribution::exponential: return "exponential";
  }
  return "?";
}

const char* to_string(fault_direction d) {
  switch (d) {
  case fault_direction::both: return "both";
  case fault_direction::to_provider: return "to_provider";
  case fault_direction::to_relay: return "to_relay";
  }
  return "?";
}

const char* to_string(crypto_kind c) {
  return c == crypto_kind::fast ? "fast" : "secp256k1";
}

const char* to_string(account_name account) {
  switch (account) {
  case account_name::balance: return "balance";
  case account_name::earnings: return "earnings";
  case account_name::stake: return "stake";
  }
  return "?";
}

}  // namespace agora::sim
