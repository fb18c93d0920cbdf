// CLIP's BPE tokenizer against the token ids the official openai/CLIP code produced (reference.json).
#include <QtTest>

#include <fstream>
#include <thread>

#include <zlib.h>

#include "core/model/ClipTokenizer.h"
#include "core/model/LrclrModel.h"

using lrclr::ClipTokenizer;

namespace {

const QString kReferenceDir = QStringLiteral(LRCLR_SHARED_DIR "/reference/clip");
const std::string kMergesPath = (kReferenceDir + "/bpe_simple_vocab_16e6.txt.gz").toStdString();

} // namespace

class ClipTokenizerTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ClipTokenizer> m_tokenizer;
    QJsonObject m_reference;
    QTemporaryDir m_temporary;

private Q_SLOTS:
    void initTestCase()
    {
        QFile file(kReferenceDir + "/reference.json");
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        m_reference = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY2(m_reference.value("texts").toArray().size() == 25, "reference.json should hold 25 texts");
        m_tokenizer = std::make_unique<ClipTokenizer>(kMergesPath, ClipTokenizer::kClipVocabularySize);
    }

    void vocabularyMatchesClip()
    {
        QCOMPARE(m_tokenizer->vocabularySize(), ClipTokenizer::kClipVocabularySize);
        QCOMPARE(m_tokenizer->mergeCount(), 48894);
        QCOMPARE(m_tokenizer->startOfText(), 49406);
        QCOMPARE(m_tokenizer->endOfText(), 49407);
    }

    void tokenIdsMatchReference_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<qint64>>("expected");
        const auto texts = m_reference.value("texts").toArray();
        const auto ids = m_reference.value("token_ids").toArray();
        QCOMPARE(texts.size(), ids.size());
        for (int i = 0; i < texts.size(); ++i) {
            QList<qint64> row;
            for (const auto value : ids.at(i).toArray())
                row.append(value.toInteger());
            const auto text = texts.at(i).toString();
            QTest::newRow(qPrintable(QString("%1: %2").arg(i, 2, 10, QChar('0')).arg(text.left(40)))) << text << row;
        }
    }

    void tokenIdsMatchReference()
    {
        QFETCH(QString, text);
        QFETCH(QList<qint64>, expected);
        const auto rows = m_tokenizer->tokenize({ text.toStdString() }, 77);
        QCOMPARE(rows.size(), std::size_t(1));
        const QList<qint64> actual(rows[0].begin(), rows[0].end());
        QCOMPARE(actual, expected);
    }

    void batchTokenizeEqualsSingleRows()
    {
        std::vector<std::string> texts;
        for (const auto value : m_reference.value("texts").toArray())
            texts.push_back(value.toString().toStdString());
        const auto batch = m_tokenizer->tokenize(texts, 77);
        QCOMPARE(batch.size(), texts.size());
        const auto ids = m_reference.value("token_ids").toArray();
        for (std::size_t i = 0; i < texts.size(); ++i) {
            QCOMPARE(batch[i].size(), std::size_t(77));
            QCOMPARE(batch[i][5], ids.at(static_cast<int>(i)).toArray().at(5).toInteger());
        }
    }

    void concurrentTokenizationIsConsistent()
    {
        // The BPE cache is shared; four threads tokenizing the same texts must all get the reference ids.
        std::vector<std::string> texts;
        for (const auto value : m_reference.value("texts").toArray())
            texts.push_back(value.toString().toStdString());
        const auto expected = m_tokenizer->tokenize(texts, 77);
        ClipTokenizer fresh(kMergesPath, ClipTokenizer::kClipVocabularySize); // empty cache: threads race to fill it
        std::vector<int> mismatches(4, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int round = 0; round < 10; ++round) {
                    if (fresh.tokenize(texts, 77) != expected)
                        ++mismatches[static_cast<std::size_t>(t)];
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        QCOMPARE(mismatches, std::vector<int>(4, 0));
    }

    void truncationForcesEndOfText()
    {
        const auto rows = m_tokenizer->tokenize({ std::string(500, 'a') + " b c d e f g h i j k l m n o p" }, 8);
        QCOMPARE(rows[0].size(), std::size_t(8));
        QCOMPARE(rows[0].front(), std::int64_t(49406));
        QCOMPARE(rows[0].back(), std::int64_t(49407));
        const auto empty = m_tokenizer->tokenize({ "" }, 5);
        QCOMPARE(empty[0], (std::vector<std::int64_t> { 49406, 49407, 0, 0, 0 }));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_tokenizer->tokenize({ "x" }, 1));
    }

    void decodeRoundTrips()
    {
        // Each pre-token ends in "</w>", so words come back separated by spaces (punctuation would be too).
        const std::string text = "mild cardiomegaly no pneumothorax résumé 胸部";
        QCOMPARE(m_tokenizer->decode(m_tokenizer->encode(text)), text + " ");
    }

    void cleaningFollowsPython_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        // Expected values follow Python's documented html.unescape / str.split / str.lower behaviour.
        QTest::newRow("named-with-semicolon") << "&amp; &lt;b&gt;"
                                              << "& <b>";
        QTest::newRow("double-unescape") << "&amp;amp;"
                                         << "&";
        QTest::newRow("legacy-prefix") << "&ampxyz"
                                       << "&xyz";
        QTest::newRow("numeric-decimal") << "&#65;&#x42;&#X43"
                                         << "abc";
        QTest::newRow("windows-1252-charref") << "&#128;" << QString::fromUtf8("€");
        QTest::newRow("invalid-codepoint-dropped") << "a&#11;b"
                                                   << "ab";
        QTest::newRow("surrogate-replaced") << "&#xD800;" << QString::fromUtf8("\uFFFD");
        QTest::newRow("huge-number-replaced") << "&#99999999999999999999999;" << QString::fromUtf8("\uFFFD");
        QTest::newRow("unknown-name-kept") << "&nosuchentity;"
                                           << "&nosuchentity;";
        QTest::newRow("whitespace-collapse") << "  a\t\n b\u00a0\u2003c\u3000 "
                                             << "a b c";
        QTest::newRow("unit-separator-is-space") << "a\x1f"
                                                    "b"
                                                 << "a b";
        QTest::newRow("lower-case-unicode") << QString::fromUtf8("ÀÉÎ ΣΑΣ") << QString::fromUtf8("àéî σας");
    }

    void cleaningFollowsPython()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(ClipTokenizer::clean(input.toStdString())), expected);
    }

    void plainMergesFileWithSmallVocabulary()
    {
        // A project-trained merges file is plain text; the vocabulary is built the same generic way.
        const auto path = m_temporary.filePath("merges.txt").toStdString();
        {
            std::ofstream file(path);
            file << "#version: 0.2\nl u\nlu n\nlun g</w>\n";
        }
        ClipTokenizer tokenizer(path);
        QCOMPARE(tokenizer.mergeCount(), 3);
        QCOMPARE(tokenizer.vocabularySize(), 512 + 3 + 2);
        // "lung" -> one token: the third merge, id 512 + 2.
        QCOMPARE(tokenizer.encode("Lung"), (std::vector<std::int64_t> { 514 }));
        QCOMPARE(tokenizer.endOfText(), 516);
        // Bytes not merged fall back to the byte tokens: 'a' is the 64th printable byte (0x21 + 64 = 'a').
        QCOMPARE(tokenizer.encode("a"), (std::vector<std::int64_t> { 256 + ('a' - '!') }));
    }

    void badMergesFilesAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(
            lrclr::ModelError, ClipTokenizer { m_temporary.filePath("missing.txt").toStdString() });
        const auto path = m_temporary.filePath("bad.txt").toStdString();
        {
            std::ofstream file(path);
            file << "#version\na b c\n";
        }
        QVERIFY_THROWS_EXCEPTION(lrclr::ModelError, ClipTokenizer { path });
        QVERIFY_THROWS_EXCEPTION(lrclr::ModelError, (ClipTokenizer { kMergesPath, 1000000 }));
    }
};

QTEST_GUILESS_MAIN(ClipTokenizerTest)
#include "ClipTokenizerTest.moc"
