// The normalizer (normalizer.hpp). Unicode normalization and lowercasing go through ICU, over
// UTF-16; invalid UTF-8 input becomes U+FFFD there.

#include "kernels/tokenizer/normalizer.hpp"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "core/assert.hpp"

namespace agora::kernels {
namespace {

std::u16string to_utf16(std::string_view text) {
  std::u16string out(text.size() + 1, u'\0');
  UErrorCode err = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8WithSub(out.data(), static_cast<int32_t>(out.size()), &length, text.data(),
                       static_cast<int32_t>(text.size()), 0xFFFD, nullptr, &err);
  AGORA_ASSERT(U_SUCCESS(err));
  out.resize(length);
  return out;
}

std::string to_utf8(const std::u16string& text) {
  std::string out(text.size() * 3 + 1, '\0');
  UErrorCode err = U_ZERO_ERROR;
  int32_t length = 0;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &length, text.data(),
              static_cast<int32_t>(text.size()), &err);
  AGORA_ASSERT(U_SUCCESS(err));
  out.resize(length);
  return out;
}

// Runs an ICU "preflight then fill" function over UTF-16 text.
template <class Fill>
std::u16string icu_transform(const std::u16string& in, Fill fill) {
  UErrorCode err = U_ZERO_ERROR;
  const int32_t need = fill(in, nullptr, 0, &err);
  AGORA_ASSERT(err == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(err));
  std::u16string out(need, u'\0');
  err = U_ZERO_ERROR;
  fill(in, out.data(), need, &err);
  AGORA_ASSERT(U_SUCCESS(err) || err == U_STRING_NOT_TERMINATED_WARNING);
  return out;
}

const UNormalizer2* icu_normalizer(std::string_view form) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* n = nullptr;
  if (form == "NFC")
    n = unorm2_getNFCInstance(&err);
  if (form == "NFD")
    n = unorm2_getNFDInstance(&err);
  if (form == "NFKC")
    n = unorm2_getNFKCInstance(&err);
  if (form == "NFKD")
    n = unorm2_getNFKDInstance(&err);
  AGORA_ASSERT(U_SUCCESS(err) && n != nullptr);
  return n;
}

std::string replace_all(std::string_view text, std::string_view pattern, std::string_view with) {
  if (pattern.empty())
    return std::string(text);
  std::string out;
  size_t from = 0;
  for (size_t at = text.find(pattern); at != std::string_view::npos;
       at = text.find(pattern, from)) {
    out.append(text.substr(from, at - from));
    out.append(with);
    from = at + pattern.size();
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace

result<normalizer> normalizer::from_json(const boost::json::value* value, const json_place& place) {
  normalizer n;
  if (value == nullptr)
    return n;
  status s = walk_components(value, place, "normalizers",
                             [&n](const std::string& type, const boost::json::object& object,
                                  const json_place& at) { return n.add_leaf(type, object, at); });
  if (!s)
    return s.error();
  return n;
}

status normalizer::add_leaf(const std::string& type, const boost::json::object& object,
                            const json_place& place) {
  if (type == "Prepend") {
    auto prefix = json_string(object, "prepend", place);
    if (!prefix)
      return prefix.error();
    steps_.push_back({kind::prepend, *prefix, ""});
    return {};
  }
  if (type == "Replace") {
    auto pattern = json_as_object(json_member(object, "pattern"), place.field("pattern"));
    if (!pattern)
      return pattern.error();
    auto literal = json_string(**pattern, "String", place.field("pattern"));
    if (!literal)
      return place.field("pattern").fail(errc::unsupported, "only String patterns are supported");
    auto content = json_string(object, "content", place);
    if (!content)
      return content.error();
    steps_.push_back({kind::replace, *literal, *content});
    return {};
  }
  for (auto [name, what] : {std::pair{"NFC", kind::nfc},
                            {"NFD", kind::nfd},
                            {"NFKC", kind::nfkc},
                            {"NFKD", kind::nfkd},
                            {"Lowercase", kind::lowercase}}) {
    if (type == name) {
      steps_.push_back({what, name, ""});
      return {};
    }
  }
  return place.field("type").fail(errc::unsupported,
                                  "normalizer \"" + type + "\" is not supported");
}

std::string normalizer::apply(std::string_view text) const {
  std::string out(text);
  for (const step& s : steps_) {
    switch (s.what) {
    case kind::prepend:
      if (!out.empty())
        out.insert(0, s.pattern);
      break;
    case kind::replace: out = replace_all(out, s.pattern, s.content); break;
    case kind::lowercase:
      out = to_utf8(icu_transform(
          to_utf16(out), [](const std::u16string& in, char16_t* dst, int32_t cap, UErrorCode* err) {
            return u_strToLower(dst, cap, in.data(), static_cast<int32_t>(in.size()), "", err);
          }));
      break;
    default:
      const UNormalizer2* n = icu_normalizer(s.pattern);
      out = to_utf8(icu_transform(to_utf16(out), [n](const std::u16string& in, char16_t* dst,
                                                     int32_t cap, UErrorCode* err) {
        return unorm2_normalize(n, in.data(), static_cast<int32_t>(in.size()), dst, cap, err);
      }));
    }
  }
  return out;
}

}  // namespace agora::kernels
