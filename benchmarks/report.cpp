// Renders a benchmark report as an aligned text table or as one JSON object.
#include "benchmarks/report.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <sstream>

namespace agora::bench {

void report::note(std::string key, std::string value) {
  notes_.emplace_back(std::move(key), std::move(value));
}

std::string report::table() const {
  size_t name_width = 6;
  for (const auto& f : figures_)
    name_width = std::max(name_width, f.name.size());
  std::ostringstream out;
  out << "== " << suite_ << " ==\n";
  for (const auto& [k, v] : notes_)
    out << "  " << k << ": " << v << "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %14s  %-8s  %s\n", int(name_width), "figure", "value",
                "unit", "reference");
  out << line;
  for (const auto& f : figures_) {
    std::snprintf(line, sizeof line, "%-*s  %14.2f  %-8s  %s\n", int(name_width), f.name.c_str(),
                  f.value, f.unit.c_str(), f.reference.c_str());
    out << line;
  }
  return out.str();
}

std::string report::json() const {
  boost::json::object root;
  root["suite"] = suite_;
  boost::json::object notes;
  for (const auto& [k, v] : notes_)
    notes[k] = v;
  root["notes"] = std::move(notes);
  boost::json::array rows;
  for (const auto& f : figures_)
    rows.push_back(boost::json::object{
        {"name", f.name}, {"value", f.value}, {"unit", f.unit}, {"reference", f.reference}});
  root["figures"] = std::move(rows);
  return boost::json::serialize(root);
}

}  // namespace agora::bench
