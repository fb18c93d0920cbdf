// Parity of the LibTorch CLIP network with OpenAI's CLIP, against vectors the official code produced
// (../shared/reference/clip): the checkpoint is read by the weights-only reader, the config inferred from shapes.
#include <QtTest>

#include <torch/torch.h>

#include "core/model/ClipConfig.h"
#include "core/model/internal/ClipNetwork.h"
#include "core/model/internal/StateDict.h"
#include "core/model/internal/TorchCheckpoint.h"
#include "tests/model/ModelTestSupport.h"

using namespace lrclr;

namespace {
constexpr double maximumError = 1e-4;
constexpr double minimumCosine = 0.99999;
} // namespace

class ClipNetworkParityTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString folder = QString::fromStdString(test::referenceDirectory());
        QVERIFY2(QFile::exists(folder + "/clip_tiny_seed0.pt"), qPrintable(folder + " lacks the reference checkpoint"));
        m_folder = folder.toStdString();
        torch::set_num_threads(2);
        const auto weights = internal::TorchCheckpoint::read(m_folder + "/clip_tiny_seed0.pt");
        const auto config = ClipConfig::fromShapes(weights.shapes());
        m_network = std::make_unique<internal::ClipNetwork>(config);
        m_network->loadStateDict(weights);

        QFile file(folder + "/reference.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto reference = QJsonDocument::fromJson(file.readAll()).object();
        const auto rows = reference.value("token_ids").toArray();
        QCOMPARE(rows.size(), reference.value("texts").toArray().size());
        m_tokens = torch::zeros({ rows.size(), config.contextLength }, torch::kLong);
        for (int i = 0; i < rows.size(); ++i) {
            const auto ids = rows.at(i).toArray();
            QCOMPARE(ids.size(), config.contextLength);
            for (int j = 0; j < ids.size(); ++j)
                m_tokens[i][j] = static_cast<int64_t>(ids.at(j).toDouble());
        }
        const auto expectedConfig = reference.value("config").toObject();
        QCOMPARE(config.embedDimension, expectedConfig.value("embed_dim").toInt());
        QCOMPARE(config.visionLayers, expectedConfig.value("vision_layers").toInt());
        QCOMPARE(config.textLayers, expectedConfig.value("transformer_layers").toInt());
    }

    void imageEmbedding()
    {
        c10::InferenceMode guard;
        auto output = m_network->encodeImage(test::readNpy(m_folder + "/image_input.npy"), true);
        compare(output.embedding(), test::readNpy(m_folder + "/image_embedding.npy"), "image embedding");
        compare(output.tokens(), test::readNpy(m_folder + "/visual_tokens.npy"), "visual tokens");
        const auto attention = torch::stack(output.attention());
        compare(attention, test::readNpy(m_folder + "/visual_attention.npy"), "visual attention", true);
        // The CLS token of the dense output is the image embedding itself.
        QCOMPARE(test::maxAbsError(output.tokens().select(1, 0), output.embedding()), 0.0);
    }

    void textEmbedding()
    {
        c10::InferenceMode guard;
        const auto expected = test::readNpy(m_folder + "/text_embedding.npy");
        compare(m_network->encodeText(m_tokens), expected, "text embedding (cut at last EOT)");
        compare(m_network->encodeTextFullContext(m_tokens), expected, "text embedding (77 positions)");
    }

    void logitsPerImage()
    {
        c10::InferenceMode guard;
        const auto image = m_network->encodeImage(test::readNpy(m_folder + "/image_input.npy"), false).embedding();
        const auto text = m_network->encodeText(m_tokens);
        const auto cosine = torch::matmul(
            torch::nn::functional::normalize(image, torch::nn::functional::NormalizeFuncOptions().dim(-1)),
            torch::nn::functional::normalize(text, torch::nn::functional::NormalizeFuncOptions().dim(-1)).t());
        compare(
            cosine * m_network->logitScale(), test::readNpy(m_folder + "/logits_per_image.npy"), "logits per image");
    }

private:
    void compare(const at::Tensor& actual, const at::Tensor& expected, const char* what, bool flatten = false)
    {
        QVERIFY2(actual.sizes() == expected.sizes(),
            qPrintable(QString("%1: shape %2 vs %3")
                           .arg(what, QString::fromStdString(c10::str(actual.sizes())),
                               QString::fromStdString(c10::str(expected.sizes())))));
        const double error = test::maxAbsError(actual, expected);
        const double cosine = test::minCosine(actual, expected, flatten);
        qInfo("%s: max abs error %.3g, min cosine %.9f", what, error, cosine);
        QVERIFY2(error <= maximumError, qPrintable(QString("%1: max abs error %2").arg(what).arg(error)));
        QVERIFY2(cosine >= minimumCosine, qPrintable(QString("%1: cosine %2").arg(what).arg(cosine, 0, 'f', 9)));
    }

    std::string m_folder;
    std::unique_ptr<internal::ClipNetwork> m_network;
    torch::Tensor m_tokens;
};

QTEST_GUILESS_MAIN(ClipNetworkParityTest)
#include "ClipNetworkParityTest.moc"
