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

double behaviour_p(const json::value* v, const std::string& path, problems& p) {
  if (!v || (v->is_string() && v->as_string() == "honest"))
    return 0.0;
  const json::object* o = object(v, path, p);
  const json::value* wrong = o ? o->if_contains("wrong_result") : nullptr;
  if (o && o->size() == 1 && wrong && wrong->is_number()) {
    const double q = wrong->to_number<double>();
    if (q > 0.0 && q <= 1.0)
      return q;
    p.fail(path + ".wrong_result", "expected a probability in (0, 1]");
    return 0.0;
  }
  p.fail(path, "expected \"honest\" or {\"wrong_result\": p}");
  return 0.0;
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
             {"name", "stake_micros", "price_per_million_micros", "models", "behaviour", "offline"},
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
  s.wrong_result_p = behaviour_p(field(o, "behaviour", path, false, p), path + ".behaviour", p);
  s.offline = parse_offline(field(o, "offline", path, false, p), path + ".offline", p);
  return s;
}

renter_spec parse_renter(const json::object& o, const std::string& path, problems& p) {
  check_keys(o, path,
             {"name", "deposit_micros", "tasks_per_hour", "spot_check_permille", "max_tokens",
              "price_cap_per_million_micros"},
             p);
  renter_spec s;
  s.name = text(field(o, "name", path, true, p), path + ".name", p).value_or("");
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
  return s;
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
  check_keys(o, path, {"money_conserved", "tasks_settled_min", "slashed", "balances"}, p);
  expectations e;
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
    if (const json::object* o = object(&(*a)[i], at, p))
      out.push_back(parse(*o, at, p));
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
  for (const slash_expectation& e : s.expect.slashed)
    if (!providers.contains(e.provider))
      p.fail("expectations.slashed." + e.provider, "no provider has this name");
  for (size_t i = 0; i < s.expect.balances.size(); ++i) {
    const std::string& party = s.expect.balances[i].party;
    if (!providers.contains(party) && !renters.contains(party))
      p.fail("expectations.balances[" + std::to_string(i) + "].party", "no party has this name");
  }
}

void parse_header(const json::object& root, scenario& s, problems& p) {
  check_keys(root, "",
             {"name", "description", "seed", "duration", "providers", "renters", "expectations"},
             p);
  s.name = text(field(root, "name", "", true, p), "name", p).value_or("");
  s.description = text(field(root, "description", "", false, p), "description", p).value_or("");
  s.seed = static_cast<uint64_t>(
      integer(field(root, "seed", "", false, p), "seed", 0, "a non-negative integer", p)
          .value_or(1));
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

result<scenario> parse_scenario(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec)
    return make_error(errc::invalid_argument, "(file): not valid JSON: " + ec.message());
  if (!root.is_object())
    return make_error(errc::invalid_argument, "(file): expected an object");
  const json::object& o = root.as_object();
  problems p;
  scenario s;
  parse_header(o, s, p);
  s.providers = parse_list<provider_spec>(o, "providers", parse_provider, p);
  s.renters = parse_list<renter_spec>(o, "renters", parse_renter, p);
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
  auto s = parse_scenario(buffer.str());
  if (!s)
    return make_error(s.error().code, path + ": " + s.error().message);
  return s;
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
