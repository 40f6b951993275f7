// A strict reader of the Prometheus text exposition format (version 0.0.4) for the /metrics
// tests: every line is a "# HELP", a "# TYPE" or a sample; each family is declared once, HELP
// before TYPE, and its samples follow it without another family in between; a histogram's
// samples are <name>_bucket{…,le=…}, <name>_sum and <name>_count. Breaking a rule fails the
// test that reads the text (ADD_FAILURE), naming the line.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace agora::net::testing {

struct prometheus_sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct prometheus_page {
  std::map<std::string, std::string> types;  // family → counter, gauge, histogram
  std::vector<prometheus_sample> samples;    // in text order

  /// The value of the one sample `name` with exactly `labels`; nullopt when absent.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const prometheus_sample& s : samples)
      if (s.name == name && s.labels == labels)
        return s.value;
    return std::nullopt;
  }
  /// Every sample `name` whose labels include `subset`, in text order.
  std::vector<prometheus_sample> all(const std::string& name,
                                     const std::map<std::string, std::string>& subset) const {
    std::vector<prometheus_sample> out;
    for (const prometheus_sample& s : samples) {
      bool match = s.name == name;
      for (const auto& [k, v] : subset)
        match = match && s.labels.count(k) == 1 && s.labels.at(k) == v;
      if (match)
        out.push_back(s);
    }
    return out;
  }
};

namespace prometheus_detail {

/// The labels of `text` ("k=\"v\",…", without braces); false if malformed.
inline bool parse_labels(const std::string& text, std::map<std::string, std::string>* out) {
  static const std::regex name{"[a-zA-Z_][a-zA-Z0-9_]*"};
  size_t i = 0;
  while (i < text.size()) {
    const size_t eq = text.find('=', i);
    if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"')
      return false;
    const std::string key = text.substr(i, eq - i);
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\') {
        if (++j >= text.size())
          return false;
        value += text[j] == 'n' ? '\n' : text[j];
        continue;
      }
      value += text[j];
    }
    if (j >= text.size() || !std::regex_match(key, name) || !out->emplace(key, value).second)
      return false;
    i = j + 1;
    if (i < text.size() && text[i++] != ',')
      return false;
  }
  return true;
}

/// The family a sample belongs to: itself, or a histogram's name without its suffix.
inline std::string family_of(const std::string& sample, const prometheus_page& page) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (sample.size() > s.size() && sample.ends_with(s)) {
      const std::string base = sample.substr(0, sample.size() - s.size());
      auto it = page.types.find(base);
      if (it != page.types.end() && it->second == "histogram")
        return base;
    }
  }
  return sample;
}

}  // namespace prometheus_detail

/// Reads `text`, failing the current test at the first line that breaks the format.
inline prometheus_page parse_prometheus(const std::string& text) {
  static const std::regex help{R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*)"};
  static const std::regex type{R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram))"};
  static const std::regex sample{R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))"};
  prometheus_page page;
  std::set<std::string> helped;
  std::string current;  // the family whose samples may follow
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the text ends without a newline";
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = text.substr(start, end - start);
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "HELP twice: " << line;
      current.clear();
    } else if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(helped.count(m[1]) == 1) << "TYPE before HELP: " << line;
      EXPECT_TRUE(page.types.emplace(m[1], m[2]).second) << "TYPE twice: " << line;
      current = m[1];
    } else if (std::regex_match(line, m, sample)) {
      prometheus_sample s{m[1], {}, 0};
      EXPECT_TRUE(prometheus_detail::parse_labels(m[3], &s.labels)) << "labels: " << line;
      const std::string v = m[4];
      char* parsed_end = nullptr;
      s.value = v == "+Inf" ? HUGE_VAL : std::strtod(v.c_str(), &parsed_end);
      EXPECT_TRUE(v == "+Inf" || *parsed_end == '\0') << "value: " << line;
      EXPECT_EQ(prometheus_detail::family_of(s.name, page), current)
          << "a sample outside its family's block: " << line;
      page.samples.push_back(std::move(s));
    } else {
      ADD_FAILURE() << "not a Prometheus text line: '" << line << "'";
    }
  }
  return page;
}

}  // namespace agora::net::testing
