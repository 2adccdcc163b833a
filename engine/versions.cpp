#include "engine/versions.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace decree::engine {

namespace {

std::string status_of(const ast::Header& h) { return h.status ? h.status->text : "enacted"; }

std::string range_text(const ast::DateRange& r) {
  if (r.first == r.last) return ast::to_string(r.first);
  return fmt::format("a day between {} and {}", ast::to_string(r.first), ast::to_string(r.last));
}

}  // namespace

// In force from the day it came into force, up to (not including) the day it ended. A range
// means the day is known only to lie within it, so days inside the range are "perhaps".
InForce in_force_on(const ast::Header& h, const ast::Date& day) {
  if (status_of(h) == "draft") return InForce::No;
  InForce started = InForce::Yes;
  if (h.in_force_from) {
    if (day < h.in_force_from->first) return InForce::No;
    if (day < h.in_force_from->last) started = InForce::Perhaps;
  }
  InForce not_ended = InForce::Yes;
  if (h.in_force_until) {
    if (day >= h.in_force_until->last) return InForce::No;
    if (day >= h.in_force_until->first) not_ended = InForce::Perhaps;
  }
  return started == InForce::Yes && not_ended == InForce::Yes ? InForce::Yes : InForce::Perhaps;
}

std::string describe_in_force(const ast::Header& h) {
  std::string from = h.in_force_from ? "from " + range_text(*h.in_force_from) : "from a day the policy does not give";
  std::string until = h.in_force_until ? "until " + range_text(*h.in_force_until) : "with no end given";
  return fmt::format("{}, {}", from, until);
}

VersionChoice choose_version(const std::vector<const ast::Header*>& headers, const ast::Date& day,
                             bool include_drafts) {
  VersionChoice choice;
  std::vector<std::size_t> yes;
  std::vector<std::size_t> perhaps;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const ast::Header& h = *headers[i];
    std::string status = status_of(h);
    if (status == "common" || status == "counterfactual") continue;
    if (status == "draft" && !include_drafts) continue;
    ast::Header as_enacted = h;
    if (status == "draft") as_enacted.status.reset();  // asked for: read its dates as if enacted
    switch (in_force_on(as_enacted, day)) {
      case InForce::Yes: yes.push_back(i); break;
      case InForce::Perhaps: perhaps.push_back(i); break;
      case InForce::No: break;
    }
  }
  std::string date = ast::to_string(day);
  auto names = [&](const std::vector<std::size_t>& which) {
    std::string out;
    for (std::size_t k = 0; k < which.size(); ++k) {
      const ast::Header& h = *headers[which[k]];
      if (k > 0) out += k + 1 == which.size() ? " or " : ", ";
      out += fmt::format("{} (in force {})", h.name.text, describe_in_force(h));
    }
    return out;
  };
  if (yes.size() == 1 && perhaps.empty()) {
    choice.kind = VersionChoice::Kind::Picked;
    choice.picked = yes[0];
    choice.reason = fmt::format("{} was in force on {}: {}", headers[yes[0]]->name.text, date,
                                describe_in_force(*headers[yes[0]]));
    return choice;
  }
  if (yes.empty() && perhaps.empty()) {
    choice.kind = VersionChoice::Kind::None;
    choice.reason = fmt::format("no version given was in force on {}", date);
    return choice;
  }
  choice.kind = VersionChoice::Kind::Open;
  choice.candidates = yes;
  choice.candidates.insert(choice.candidates.end(), perhaps.begin(), perhaps.end());
  std::sort(choice.candidates.begin(), choice.candidates.end());
  if (yes.size() > 1)
    choice.reason = fmt::format("the versions overlap on {}: {}; their headers should not both be in force", date,
                                names(choice.candidates));
  else
    choice.reason = fmt::format("the sources leave open which version was in force on {}: {}", date,
                                names(choice.candidates));
  return choice;
}

}  // namespace decree::engine
