// Three-valued (Kleene) logic: true, false and unknown, the truth values every condition takes.
#pragma once

#include <cstdint>

namespace decree::engine {

// The numeric values are fixed: the evaluator and the trace store them in bytes.
enum class Tri : std::uint8_t { False = 0, True = 1, Unknown = 2 };

constexpr Tri tri(bool b) { return b ? Tri::True : Tri::False; }

constexpr Tri kleene_not(Tri a) {
  return a == Tri::Unknown ? Tri::Unknown : (a == Tri::True ? Tri::False : Tri::True);
}

// False wins over unknown, unknown over true.
constexpr Tri kleene_and(Tri a, Tri b) {
  if (a == Tri::False || b == Tri::False) return Tri::False;
  if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
  return Tri::True;
}

// True wins over unknown, unknown over false.
constexpr Tri kleene_or(Tri a, Tri b) {
  if (a == Tri::True || b == Tri::True) return Tri::True;
  if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
  return Tri::False;
}

constexpr const char* to_string(Tri a) {
  return a == Tri::True ? "true" : (a == Tri::False ? "false" : "unknown");
}

}  // namespace decree::engine
