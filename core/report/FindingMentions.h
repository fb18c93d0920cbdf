#pragma once

#include <optional>

#include <QString>
#include <QStringList>

namespace lrclr {

/// What a report's sentences say about one of the 14 CheXpert findings, read the way the CheXpert labeler reads them
/// (mention, then negation and uncertainty cues in the same clause before the mention), for the audit's "finding
/// probability disagrees with the report": 1 asserted, 0 negated or stated normal ("No pleural effusion.", "Heart size
/// is normal."), -1 hedged ("Possible small effusion.", "cannot exclude", "?PTX"), nothing when the report does not
/// mention it. Over several sentences positive beats uncertain beats negative. English only; a short keyword list per
/// finding with the common abbreviations (PTX, ETT, CVC, PICC, CP angle), not a full NegEx: its agreement with the
/// labels the phantom writers record is measured in FindingMentionsTest. Stateless; thread-safe.
class FindingMentions {
public:
    /// The label `sentences` give `finding` (a CheXpert name, case-insensitive); nullopt when not mentioned or when
    /// the name is unknown ("No Finding" included: it is derived, not mentioned).
    static std::optional<int> labelFor(const QString& finding, const QStringList& sentences);
    /// The label one sentence gives `finding`.
    static std::optional<int> sentenceLabel(const QString& finding, const QString& sentence);
    /// Whether the sentence asserts or hedges any finding (not a negation, a normal statement or a technique line):
    /// the sentences whose lack of image support the audit reports.
    static bool assertsAnyFinding(const QString& sentence);
    /// Whether the sentence is a negative finding: it negates or states normal at least one finding and asserts or
    /// hedges none ("No pneumothorax.", "The heart is not enlarged."); the viewer shows such a sentence as what it
    /// is instead of flagging it as unsupported.
    static bool isNegativeFinding(const QString& sentence);
};

} // namespace lrclr
