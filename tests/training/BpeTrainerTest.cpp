// The BPE learner: its merges file loads in ClipTokenizer with the vocabulary size ClipConfig expects, frequent
// words become single tokens, tokens decode back to the cleaned text, and the result is deterministic.
#include <QTemporaryDir>
#include <QTest>

#include "core/model/ClipTokenizer.h"
#include "training/BpeTrainer.h"

using namespace lrclr;

class BpeTrainerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void preTokenizeFollowsClipPattern_data();
    void preTokenizeFollowsClipPattern();
    void roundTripThroughClipTokenizer_data();
    void roundTripThroughClipTokenizer();
    void deterministicAndBounded();

private:
    static BpeTrainer corpus();
};

BpeTrainer BpeTrainerTest::corpus()
{
    BpeTrainer trainer;
    const char* reports[] = {
        "FINDINGS: Moderate right pleural effusion. No pneumothorax. The heart is not enlarged.",
        "IMPRESSION: Small left pleural effusion. Left upper lobe nodule, 2.3 cm.",
        "No pleural effusion or pneumothorax. Lungs are clear. Heart size is normal.",
        "Right lower lobe consolidation, concerning for pneumonia. There's no effusion.",
        "Endotracheal tube terminates 4.2 cm above the carina. Mild pulmonary edema.",
    };
    for (int repeat = 0; repeat < 3; ++repeat)
        for (const char* report : reports)
            trainer.addText(report);
    return trainer;
}

void BpeTrainerTest::preTokenizeFollowsClipPattern_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("words");
    QTest::newRow("letters-and-punctuation") << "no effusion." << QStringList { "no", "effusion", "." };
    QTest::newRow("digits-one-by-one") << "4.2 cm" << QStringList { "4", ".", "2", "cm" };
    QTest::newRow("contraction") << "there's" << QStringList { "there", "'s" };
    QTest::newRow("symbol-run") << "a -- b" << QStringList { "a", "--", "b" };
    QTest::newRow("non-ascii-letters") << "pleuré x" << QStringList { "pleuré", "x" };
    QTest::newRow("special-token") << "<|endoftext|>a" << QStringList { "<|endoftext|>", "a" };
}

void BpeTrainerTest::preTokenizeFollowsClipPattern()
{
    QFETCH(QString, text);
    QFETCH(QStringList, words);
    QStringList actual;
    for (const auto& word : BpeTrainer::preTokenize(text.toStdString()))
        actual << QString::fromStdString(word);
    QCOMPARE(actual, words);
}

void BpeTrainerTest::roundTripThroughClipTokenizer_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("seen-sentence") << "Moderate right pleural effusion.";
    QTest::newRow("numbers") << "Tube 4.2 cm above the carina.";
    QTest::newRow("unseen-word") << "Pneumomediastinum is absent!";
    QTest::newRow("non-ascii") << "Épanchement pleural droit.";
}

void BpeTrainerTest::roundTripThroughClipTokenizer()
{
    QFETCH(QString, text);
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const auto path = directory.filePath("merges.txt.gz").toStdString();
    const auto merges = corpus().train(200);
    QVERIFY(merges.size() > 50);
    BpeTrainer::write(path, merges);

    const ClipTokenizer tokenizer(path);
    QCOMPARE(tokenizer.mergeCount(), static_cast<int>(merges.size()));
    QCOMPARE(tokenizer.vocabularySize(), 512 + static_cast<int>(merges.size()) + 2); // ClipConfig's vocab_size
    const auto ids = tokenizer.encode(text.toStdString());
    QVERIFY(!ids.empty());
    for (const auto id : ids)
        QVERIFY(id >= 0 && id < tokenizer.vocabularySize() - 2);
    // decode() joins words with spaces; CLIP's cleaning lower-cases. Compare without spaces.
    auto decoded = QString::fromStdString(tokenizer.decode(ids)).remove(' ');
    auto expected = QString::fromStdString(ClipTokenizer::clean(text.toStdString())).remove(' ');
    QCOMPARE(decoded, expected);
    // Frequent words of the corpus are single tokens.
    QCOMPARE(static_cast<int>(tokenizer.encode("effusion").size()), 1);
    QCOMPARE(static_cast<int>(tokenizer.encode("pleural").size()), 1);
}

void BpeTrainerTest::deterministicAndBounded()
{
    const auto first = corpus().train(150);
    const auto second = corpus().train(150);
    QCOMPARE(first.size(), std::size_t(150));
    QVERIFY(first == second);
    // A corpus runs out of pairs seen twice: far fewer merges than asked for.
    BpeTrainer small;
    small.addText("abc abc");
    const auto merges = small.train(1000);
    QCOMPARE(static_cast<int>(merges.size()), 2); // a+b, then ab+c</w>
    QCOMPARE(merges[0].first, std::string("a"));
    QCOMPARE(merges[0].second, std::string("b"));
    QCOMPARE(merges[1].second, std::string("c</w>"));
}

QTEST_GUILESS_MAIN(BpeTrainerTest)
#include "BpeTrainerTest.moc"
