// The x402 "exact" EVM scheme: requirements, payment parsing and checks, and the escrow's
// record of a payment (payment.hpp).
#include "net/gateway/x402/payment.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <limits>

#include "core/keccak.hpp"
#include "net/gateway/accounts/account_key.hpp"
#include "net/gateway/x402/base64.hpp"
#include "schemas/envelope.hpp"

namespace agora::net::gateway::x402 {

namespace json = boost::json;

namespace {

constexpr std::string_view scheme_exact = "exact";

json::object extra_of(const x402_options& o) {
  return {{"name", o.token_name}, {"version", o.token_version}};
}

json::object accepts_v1(const x402_options& o, const requirement& r) {
  return {{"scheme", scheme_exact},
          {"network", o.network},
          {"maxAmountRequired", std::to_string(r.amount_micros)},
          {"resource", r.resource},
          {"description", r.description},
          {"mimeType", r.mime_type},
          {"payTo", o.pay_to.to_string()},
          {"maxTimeoutSeconds", o.max_timeout_s},
          {"asset", o.asset.to_string()},
          {"extra", extra_of(o)}};
}

json::object accepts_v2(const x402_options& o, const requirement& r) {
  return {{"scheme", scheme_exact},
          {"network", caip2_network(o)},
          {"amount", std::to_string(r.amount_micros)},
          {"asset", o.asset.to_string()},
          {"payTo", o.pay_to.to_string()},
          {"maxTimeoutSeconds", o.max_timeout_s},
          {"extra", extra_of(o)}};
}

agora::error refuse(std::string why) {
  return make_error(errc::invalid_argument, "x402: " + std::move(why));
}

/// The string member `key` of `o`; empty when missing or not a string.
std::string_view string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string())
    return {};
  return v->get_string();
}

/// Decimal uint256 text into an int64; values past INT64_MAX saturate when `saturate`.
result<int64_t> decimal(std::string_view digits, std::string_view field, bool saturate) {
  if (digits.empty() || !eip712::uint256_from_decimal(digits))
    return refuse(std::string(field) + ": not a decimal uint256");
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  const bool fits = ec == std::errc{} && end == digits.data() + digits.size() &&
                    n <= uint64_t(std::numeric_limits<int64_t>::max());
  if (fits)
    return static_cast<int64_t>(n);
  if (saturate)
    return std::numeric_limits<int64_t>::max();
  return refuse(std::string(field) + ": too large");
}

/// Version 1 names scheme and network at the top; version 2 repeats the accepted requirement.
status check_accepted(const x402_options& o, const json::object& top, protocol_version v) {
  if (v == protocol_version::v1) {
    if (string_at(top, "scheme") != scheme_exact || string_at(top, "network") != o.network)
      return refuse("only scheme 'exact' on network '" + o.network + "' is accepted");
    return {};
  }
  const json::value* accepted = top.if_contains("accepted");
  if (accepted == nullptr || !accepted->is_object())
    return refuse("'accepted' is missing");
  const json::object& a = accepted->get_object();
  if (string_at(a, "scheme") != scheme_exact || string_at(a, "network") != caip2_network(o))
    return refuse("only scheme 'exact' on network '" + caip2_network(o) + "' is accepted");
  auto asset = address::parse(string_at(a, "asset"));
  auto pay_to = address::parse(string_at(a, "payTo"));
  if (!asset || *asset != o.asset || !pay_to || *pay_to != o.pay_to)
    return refuse("the accepted asset or payTo is not this gateway's");
  return {};
}

result<eip712::transfer_with_authorization> authorization_of(const json::object& a) {
  eip712::transfer_with_authorization out;
  auto from = address::parse(string_at(a, "from"));
  auto to = address::parse(string_at(a, "to"));
  if (!from || !to)
    return refuse("authorization.from or .to is not an address");
  out.from = *from;
  out.to = *to;
  out.value = string_at(a, "value");
  out.valid_after = string_at(a, "validAfter");
  out.valid_before = string_at(a, "validBefore");
  auto nonce = from_hex_fixed<32>(string_at(a, "nonce"));
  if (!nonce)
    return refuse("authorization.nonce is not 32 bytes of hex");
  out.nonce = *nonce;
  return out;
}

/// payload = {signature, authorization:{…}}.
result<payment> payment_of(const json::object& payload, protocol_version v) {
  const json::value* auth = payload.if_contains("authorization");
  if (auth == nullptr || !auth->is_object())
    return refuse("payload.authorization is missing");
  payment p;
  p.version = v;
  auto authorization = authorization_of(auth->get_object());
  if (!authorization)
    return authorization.error();
  p.authorization = std::move(*authorization);
  auto sig = parse_signature(string_at(payload, "signature"));
  if (!sig)
    return refuse("payload.signature is not a 65-byte signature");
  p.signature = *sig;
  auto value = decimal(p.authorization.value, "authorization.value", false);
  auto after = decimal(p.authorization.valid_after, "authorization.validAfter", true);
  auto before = decimal(p.authorization.valid_before, "authorization.validBefore", true);
  if (!value || !after || !before)
    return !value ? value.error() : !after ? after.error() : before.error();
  p.value_micros = *value;
  p.valid_after_s = *after;
  p.valid_before_s = *before;
  return p;
}

void append(bytes& out, byte_view data) {
  out.insert(out.end(), data.begin(), data.end());
}

}  // namespace

std::string caip2_network(const x402_options& o) {
  return "eip155:" + std::to_string(o.chain_id);
}

std::string required_body_v1(const x402_options& o, const requirement& r, std::string_view error) {
  json::object body{{"x402Version", 1}, {"error", error}};
  body["accepts"] = json::array{accepts_v1(o, r)};
  return json::serialize(body);
}

std::string required_header_v2(const x402_options& o, const requirement& r,
                               std::string_view error) {
  json::object body{{"x402Version", 2}, {"error", error}};
  body["resource"] =
      json::object{{"url", r.resource}, {"description", r.description}, {"mimeType", r.mime_type}};
  body["accepts"] = json::array{accepts_v2(o, r)};
  return base64_encode(json::serialize(body));
}

result<payment> parse_payment(std::string_view header, protocol_version version,
                              const x402_options& o) {
  auto decoded = base64_decode(header);
  if (!decoded)
    return refuse("the payment header is not base64");
  boost::system::error_code ec;
  const json::value doc = json::parse(*decoded, ec);
  if (ec || !doc.is_object())
    return refuse("the payment header is not a JSON object");
  const json::object& top = doc.get_object();
  const json::value* v = top.if_contains("x402Version");
  if (v == nullptr || !v->is_int64() || v->get_int64() != static_cast<int64_t>(version))
    return refuse("x402Version does not match the header it came in");
  if (auto s = check_accepted(o, top, version); !s)
    return s.error();
  const json::value* payload = top.if_contains("payload");
  if (payload == nullptr || !payload->is_object())
    return refuse("payload is missing");
  return payment_of(payload->get_object(), version);
}

status verify_payment(const x402_options& o, const payment& p, int64_t required_micros) {
  AGORA_ASSERT(required_micros > 0);
  const eip712::token_domain domain{o.token_name, o.token_version, o.chain_id, o.asset};
  auto digest = eip712::transfer_with_authorization_digest(domain, p.authorization);
  if (!digest)
    return refuse("authorization: " + digest.error().message);
  auto signer = recover_digest(p.signature, *digest);
  if (!signer || *signer != p.authorization.from)
    return make_error(errc::bad_signature, "x402: the signature is not from authorization.from");
  if (p.authorization.to != o.pay_to)
    return refuse("authorization.to is not payTo " + o.pay_to.to_string());
  if (p.value_micros < required_micros)
    return refuse("authorization.value " + std::to_string(p.value_micros) + " is below the " +
                  std::to_string(required_micros) + " required");
  return {};
}

status check_window(const payment& p, int64_t now_unix_s) {
  if (now_unix_s < p.valid_after_s)
    return make_error(errc::stale, "x402: the authorization is not valid yet");
  if (now_unix_s >= p.valid_before_s)
    return make_error(errc::stale, "x402: the authorization expired");
  return {};
}

wire::id128 idempotency_key(const x402_options& o, const payment& p) {
  bytes preimage;
  append(preimage, as_bytes("agora/x402/deposit"));
  for (int shift = 56; shift >= 0; shift -= 8)
    preimage.push_back(static_cast<uint8_t>(o.chain_id >> shift));
  append(preimage, o.asset.raw());
  append(preimage, p.authorization.from.raw());
  append(preimage, p.authorization.nonce);
  const hash256 h = keccak256(preimage);
  wire::id128 key{};
  std::copy_n(h.begin(), key.size(), key.begin());
  return key;
}

std::string payment_reference(const x402_options& o, const payment& p) {
  const eip712::transfer_with_authorization& a = p.authorization;
  json::object ref{{"scheme", scheme_exact},       {"network", caip2_network(o)},
                   {"asset", o.asset.to_string()}, {"from", a.from.to_string()},
                   {"to", a.to.to_string()},       {"value", a.value},
                   {"validAfter", a.valid_after},  {"validBefore", a.valid_before},
                   {"nonce", to_hex0x(a.nonce)},   {"signature", to_hex0x(p.signature)}};
  return json::serialize(ref);
}

result<private_key> payer_account_key(const private_key& house, const address& payer) {
  return accounts::derived_account_key(house, "agora/x402/payer-account", payer.raw());
}

bytes seal_deposit(const x402_options& o, const private_key& account, const payment& p,
                   int64_t now_unix_s) {
  AGORA_ASSERT(p.value_micros > 0);
  wire::DepositT m;
  m.depositor = wire::to_wire(account.address());
  m.account = wire::to_wire(account.address());
  m.amount_micros = p.value_micros;
  m.idempotency_key = wire::to_wire(idempotency_key(o, p));
  const std::string ref = payment_reference(o, p);
  AGORA_ASSERT(ref.size() <= wire::limits::payment_reference_bytes_max);
  m.payment_reference.assign(ref.begin(), ref.end());
  m.created_unix_s = now_unix_s;
  return wire::seal(m, account);
}

std::string payment_response_header(const x402_options& o, const payment& p) {
  const bool v1 = p.version == protocol_version::v1;
  json::object body{{"success", true},
                    {"transaction", ""},
                    {"network", v1 ? o.network : caip2_network(o)},
                    {"payer", p.authorization.from.to_string()}};
  return base64_encode(json::serialize(body));
}

}  // namespace agora::net::gateway::x402
