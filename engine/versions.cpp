#include "engine/versions.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace decree::engine {

namespace {

std::string status_of(const ast::Header& h) { return h.status ? h.status->text : "enacted"; }

std::string range_text(const ast::DateRange& r) {
  if (r.first == r.last) return day_words(r.first);
  if (r.first.year == r.last.year && r.first.month == r.last.month)
    return fmt::format("a day between {} and {}", r.first.day, day_words(r.last));
  return fmt::format("a day between {} and {}", day_words(r.first), day_words(r.last));
}

// The versions that may be chosen, as their headers place them over a span of days.
struct Standing {
  std::vector<std::size_t> yes;      // surely in force on every day of the span
  std::vector<std::size_t> perhaps;  // perhaps in force on some day of it
};

// A draft asked for (`include_drafts`) has its dates read as if it had been enacted.
ast::Header as_enacted(const ast::Header& h) {
  ast::Header copy = h;
  if (status_of(h) == "draft") copy.status.reset();
  return copy;
}

Standing standing(const std::vector<const ast::Header*>& headers, const ast::Date& first, const ast::Date& last,
                  bool include_drafts) {
  Standing out;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const ast::Header& h = *headers[i];
    std::string status = status_of(h);
    if (status == "common" || status == "counterfactual") continue;
    if (status == "draft" && !include_drafts) continue;
    switch (in_force_during(as_enacted(h), first, last)) {
      case InForce::Yes: out.yes.push_back(i); break;
      case InForce::Perhaps: out.perhaps.push_back(i); break;
      case InForce::No: break;
    }
  }
  return out;
}

// "telegram_1956 (in force from ...) or practice_before_memo (in force ...)"
std::string names(const std::vector<const ast::Header*>& headers, const std::vector<std::size_t>& which) {
  std::string out;
  for (std::size_t k = 0; k < which.size(); ++k) {
    const ast::Header& h = *headers[which[k]];
    if (k > 0) out += k + 1 == which.size() ? " or " : ", ";
    out += fmt::format("{} ({})", h.name.text, describe_in_force(h));
  }
  return out;
}

std::string join_and(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += k + 1 == parts.size() ? " and " : ", ";
    out += parts[k];
  }
  return out;
}

// "1957 (1957-01-01 to 1957-12-31)": the date as written, and the days it stands for.
std::string span_text(const CaseDate& when) {
  return fmt::format("{} ({} to {})", when.written, ast::to_string(when.first), ast::to_string(when.last));
}

// Why `h` was in force on every day of `when`, which in_force_during has found.
std::string throughout(const ast::Header& h, const CaseDate& when) {
  const std::string& name = h.name.text;
  std::string span = span_text(when);
  if (!h.in_force_from && !h.in_force_until)
    return fmt::format("{} gives no dates of force, so it was in force on every day of {}", name, span);
  std::string after = h.in_force_from ? fmt::format("after {} came into force (on {})", name, range_text(*h.in_force_from)) : "";
  std::string before = h.in_force_until ? fmt::format("before {} ended (on {})", h.in_force_from ? "it" : name,
                                                      range_text(*h.in_force_until))
                                        : "";
  std::string falls;
  if (!after.empty() && !before.empty()) falls = after + " and " + before;
  else if (!after.empty()) falls = after;
  else falls = before + ", and no start is given";
  if (!h.in_force_until)
    return fmt::format("every day of {} falls {}, so {} is assumed in force throughout {} (no end is known)", span, falls,
                       name, when.written);
  return fmt::format("every day of {} falls {}, so {} was in force throughout", span, falls, name);
}

// The starts and ends of versions that fall within `when`: where the version in force may change.
std::vector<std::string> boundaries(const std::vector<const ast::Header*>& headers, const std::vector<std::size_t>& which,
                                    const CaseDate& when) {
  std::vector<std::string> out;
  for (std::size_t i : which) {
    const ast::Header& h = *headers[i];
    if (h.in_force_from && when.first < h.in_force_from->last && !(when.last < h.in_force_from->first))
      out.push_back(fmt::format("the start of {} (from {})", h.name.text, range_text(*h.in_force_from)));
    if (h.in_force_until && when.first < h.in_force_until->last && !(when.last < h.in_force_until->first))
      out.push_back(fmt::format("the end of {} (until {})", h.name.text, range_text(*h.in_force_until)));
  }
  return out;
}

}  // namespace

InForce in_force_during(const ast::Header& h, const ast::Date& first, const ast::Date& last) {
  if (status_of(h) == "draft") return InForce::No;
  // The days it may have been in force, and those it surely was, are each one stretch of days.
  if (h.in_force_from && last < h.in_force_from->first) return InForce::No;
  if (h.in_force_until && first >= h.in_force_until->last) return InForce::No;
  if (in_force_on(h, first) == InForce::Yes && in_force_on(h, last) == InForce::Yes) return InForce::Yes;
  return InForce::Perhaps;
}

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

std::string day_words(const ast::Date& d) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (d.month < 1 || d.month > 12) return ast::to_string(d);
  return fmt::format("{} {} {}", d.day, kMonths[d.month - 1], d.year);
}

bool end_assumed(std::string_view status, const std::optional<ast::DateRange>& until) {
  return status != "draft" && status != "common" && !until;
}

std::string in_force_words(std::string_view status, const std::optional<ast::DateRange>& from,
                           const std::optional<ast::DateRange>& until) {
  if (status == "draft") return "a draft, never in force";
  if (!from && !until)
    return end_assumed(status, until) ? "no dates of force are given; assumed always in force" : "no dates of force are given";
  std::string out = from ? "came into force on " + range_text(*from) : "no start is given";
  if (until) out += "; ended on " + range_text(*until);
  else if (end_assumed(status, until)) out += "; no end is known; assumed still in force";
  return out;
}

std::string describe_in_force(const ast::Header& h) { return in_force_words(status_of(h), h.in_force_from, h.in_force_until); }

VersionChoice choose_version(const std::vector<const ast::Header*>& headers, const ast::Date& day,
                             bool include_drafts) {
  VersionChoice choice;
  auto [yes, perhaps] = standing(headers, day, day, include_drafts);
  std::string date = ast::to_string(day);
  if (yes.size() == 1 && perhaps.empty()) {
    choice.kind = VersionChoice::Kind::Picked;
    choice.picked = yes[0];
    const ast::Header& h = *headers[yes[0]];
    choice.reason = fmt::format("{} {} on {} ({})", h.name.text,
                                end_assumed(status_of(h), h.in_force_until) ? "is assumed in force" : "was in force", date,
                                describe_in_force(h));
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
                                names(headers, choice.candidates));
  else
    choice.reason = fmt::format("the sources leave open which version was in force on {}: {}", date,
                                names(headers, choice.candidates));
  return choice;
}

VersionChoice choose_version(const std::vector<const ast::Header*>& headers, const CaseDate& when,
                             bool include_drafts) {
  if (when.exact()) return choose_version(headers, when.first, include_drafts);
  VersionChoice choice;
  auto [yes, perhaps] = standing(headers, when.first, when.last, include_drafts);
  if (yes.size() == 1 && perhaps.empty()) {
    choice.kind = VersionChoice::Kind::Picked;
    choice.picked = yes[0];
    choice.reason = throughout(*headers[yes[0]], when);
    return choice;
  }
  if (yes.empty() && perhaps.empty()) {
    choice.kind = VersionChoice::Kind::None;
    choice.reason = fmt::format("no version given was in force on any day of {}", span_text(when));
    return choice;
  }
  choice.kind = VersionChoice::Kind::Open;
  choice.candidates = yes;
  choice.candidates.insert(choice.candidates.end(), perhaps.begin(), perhaps.end());
  std::sort(choice.candidates.begin(), choice.candidates.end());
  if (yes.size() > 1) {
    choice.reason = fmt::format("the versions overlap during {}: {}; their headers should not both be in force",
                                span_text(when), names(headers, choice.candidates));
    return choice;
  }
  std::string which = choice.candidates.size() == 1
                          ? fmt::format("whether {} was in force", headers[choice.candidates[0]]->name.text)
                          : std::string("which version was in force");
  std::vector<std::string> crossed = boundaries(headers, choice.candidates, when);
  if (crossed.empty())
    choice.reason = fmt::format("the sources leave open {} during {}: {}", which, span_text(when),
                                names(headers, choice.candidates));
  else
    choice.reason = fmt::format("{} straddles {}, so {} depends on the day, which the date does not give: {}",
                                span_text(when), join_and(crossed), which, names(headers, choice.candidates));
  return choice;
}

}  // namespace decree::engine
