// "Did you mean" (nearest_name): a name a few letters off, and a name that holds the wrong one as
// whole `_`-separated parts (`citizen` → soviet_citizen); and the guesses it must not make.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/diagnostic.hpp"

namespace decree {
namespace {

// The telegram's facts.
const std::vector<std::string> kFacts = {
    "soviet_citizen", "ethnicity",     "left_for_permanent_work", "request",       "friends_agree",
    "misdemeanor",    "justified_case", "converted_to_dprk",       "stated_reasons", "exceptional_misdemeanant"};

TEST(NearestName, AFewLettersOff) {
  EXPECT_EQ(nearest_name("misdemeanour", kFacts), "misdemeanor");
  EXPECT_EQ(nearest_name("requst", kFacts), "request");
}

TEST(NearestName, ANameThatHoldsTheWrongOneAsWholeParts) {
  EXPECT_EQ(nearest_name("citizen", kFacts), "soviet_citizen");                  // a suffix
  EXPECT_EQ(nearest_name("friends", kFacts), "friends_agree");                   // a prefix
  EXPECT_EQ(nearest_name("permanent_work", kFacts), "left_for_permanent_work");  // two parts at the end
  EXPECT_EQ(nearest_name("left_for", kFacts), "left_for_permanent_work");        // two parts at the start
  EXPECT_EQ(nearest_name("for_permanent", kFacts), "left_for_permanent_work");   // two parts inside
  EXPECT_EQ(nearest_name("reasons", kFacts), "stated_reasons");
  EXPECT_EQ(nearest_name("justified", kFacts), "justified_case");
}

TEST(NearestName, EditDistanceComesFirst) {
  // `agreed` is one letter from a name of its own: that one, not the one that holds `agree`.
  EXPECT_EQ(nearest_name("agreed", {"friends_agree", "agree"}), "agree");
}

TEST(NearestName, NoGuessWhenSeveralNamesHoldIt) {
  // `dprk` and `citizen` are each a part of two names.
  EXPECT_EQ(nearest_name("citizen", {"soviet_citizen", "dprk_citizen"}), "");
  EXPECT_EQ(nearest_name("dprk", {"converted_to_dprk", "dprk_citizen", "left_for_permanent_work"}), "");
}

TEST(NearestName, NoGuessFromShortWordsOrPiecesOfParts) {
  EXPECT_EQ(nearest_name("for", kFacts), "");         // a whole part, but too short to mean much
  EXPECT_EQ(nearest_name("to", kFacts), "");
  EXPECT_EQ(nearest_name("case", kFacts), "justified_case");  // four letters: enough
  EXPECT_EQ(nearest_name("citiz", kFacts), "");       // a piece of a part, not a part
  EXPECT_EQ(nearest_name("ustified", kFacts), "");   // the end of a part, not a part
  EXPECT_EQ(nearest_name("soviet_", kFacts), "");     // an empty part
  EXPECT_EQ(nearest_name("_citizen", kFacts), "");
  EXPECT_EQ(nearest_name("citizen_soviet", kFacts), "");  // the parts out of order
  EXPECT_EQ(nearest_name("", kFacts), "");
  EXPECT_EQ(nearest_name("citizen", {}), "");
}

}  // namespace
}  // namespace decree
