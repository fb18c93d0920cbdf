// DistributedGroup over c10d Gloo on loopback: the test executable re-runs itself as two worker processes (ranks 0
// and 1) and checks that their data-parallel training equals a single-process run on the same global batch.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <QCoreApplication>
#include <QDataStream>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "training/ContrastiveLoss.h"
#include "training/DistributedGroup.h"

using namespace lrclr;

namespace {

const char* const roleVariable = "LRCLR_DISTRIBUTED_TEST_ROLE";
const char* const rankVariable = "LRCLR_DISTRIBUTED_TEST_RANK";
const char* const portVariable = "LRCLR_DISTRIBUTED_TEST_PORT";
const char* const outputVariable = "LRCLR_DISTRIBUTED_TEST_OUTPUT";

constexpr int worldSize = 2;
constexpr int globalBatch = 8;
constexpr int imageFeatures = 12;
constexpr int textFeatures = 10;
constexpr int embeddingSize = 6;
constexpr int steps = 3;
constexpr double learningRate = 0.5;
constexpr double logitScale = 10.0;
constexpr int initialSeed = 17;

/// A linear image encoder and a linear text encoder (applied to this rank's rows, before the gather), and a linear
/// head and a learnable temperature applied to the gathered batch (like the trainer's interaction layers).
struct TinyClip {
    torch::nn::Linear image { nullptr };
    torch::nn::Linear text { nullptr };
    torch::nn::Linear head { nullptr };
    torch::Tensor logTemperature;

    explicit TinyClip(int seed)
    {
        torch::manual_seed(seed);
        image = torch::nn::Linear(imageFeatures, embeddingSize);
        text = torch::nn::Linear(textFeatures, embeddingSize);
        head = torch::nn::Linear(embeddingSize, embeddingSize);
        logTemperature = torch::full({}, std::log(logitScale)).set_requires_grad(true);
    }

    std::vector<torch::Tensor> beforeGather() const
    {
        auto all = image->parameters();
        for (const auto& parameter : text->parameters())
            all.push_back(parameter);
        return all;
    }

    std::vector<torch::Tensor> afterGather() const
    {
        auto all = head->parameters();
        all.push_back(logTemperature);
        return all;
    }

    std::vector<torch::Tensor> parameters() const
    {
        auto all = beforeGather();
        for (const auto& parameter : afterGather())
            all.push_back(parameter);
        return all;
    }
};

/// The global batch of step `step`, identical in every process.
std::pair<torch::Tensor, torch::Tensor> globalBatchOf(int step)
{
    torch::manual_seed(1000 + step);
    auto images = torch::randn({ globalBatch, imageFeatures });
    auto texts = torch::randn({ globalBatch, textFeatures });
    return { images, texts };
}

/// SGD on the CLIP loss. Without a group: the whole global batch in this process. With one: this rank's rows only,
/// the embeddings gathered across ranks, the encoders' gradients summed and those of the layers after the gather
/// averaged. Returns the loss of each step.
std::vector<double> train(TinyClip& model, DistributedGroup* group)
{
    std::vector<double> losses;
    const auto parameters = model.parameters();
    for (int step = 0; step < steps; ++step) {
        auto [images, texts] = globalBatchOf(step);
        if (group != nullptr) {
            const int rows = globalBatch / group->worldSize();
            images = images.narrow(0, group->rank() * rows, rows);
            texts = texts.narrow(0, group->rank() * rows, rows);
        }
        for (const auto& parameter : parameters) {
            if (parameter.grad().defined())
                parameter.grad().zero_();
        }
        auto imageEmbeddings = model.image(images);
        auto textEmbeddings = model.text(texts);
        if (group != nullptr) {
            imageEmbeddings = group->gatherWithGradient(imageEmbeddings);
            textEmbeddings = group->gatherWithGradient(textEmbeddings);
        }
        const auto loss
            = ContrastiveLoss::clip(model.head(imageEmbeddings), textEmbeddings, model.logTemperature.exp());
        loss.backward();
        if (group != nullptr) {
            group->sumGradients(model.beforeGather());
            group->averageGradients(model.afterGather());
        }
        const double value = loss.item<double>();
        losses.push_back(group != nullptr ? group->averageScalar(value) : value);
        const torch::NoGradGuard noGrad;
        for (const auto& parameter : parameters)
            parameter.sub_(learningRate * parameter.grad());
    }
    return losses;
}

QVector<double> valuesOf(const std::vector<torch::Tensor>& tensors)
{
    QVector<double> values;
    for (const auto& tensor : tensors) {
        const auto flat = tensor.detach().to(torch::kDouble).contiguous().reshape({ -1 });
        for (int64_t i = 0; i < flat.numel(); ++i)
            values.append(flat[i].item<double>());
    }
    return values;
}

void writeRecords(const QString& path, const QList<QVector<double>>& records)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw std::runtime_error("cannot write " + path.toStdString());
    QDataStream stream(&file);
    stream << records;
}

QList<QVector<double>> readRecords(const QString& path)
{
    QFile file(path);
    QList<QVector<double>> records;
    if (file.open(QIODevice::ReadOnly)) {
        QDataStream stream(&file);
        stream >> records;
    }
    return records;
}

/// The tensors each rank passes to broadcast(): rank-dependent values, three dtypes, one non-contiguous view.
struct BroadcastTensors {
    torch::Tensor floats, doubles, integers, transposedBase;

    explicit BroadcastTensors(int rank)
        : floats(torch::arange(12, torch::kFloat).reshape({ 3, 4 }) * (rank + 1))
        , doubles(torch::linspace(0.5, 2.5, 5, torch::kDouble) - 10.0 * rank)
        , integers(torch::arange(4, torch::kLong).reshape({ 2, 2 }) + 100 * rank)
        , transposedBase(torch::arange(6, torch::kFloat).reshape({ 2, 3 }) + 0.25 * rank)
    {
    }
};

/// Worker process: joins the group given in the environment, runs its role, writes what the test checks.
int runWorker()
{
    try {
        torch::set_num_threads(1);
        DistributedGroup::Options options;
        options.rank = qEnvironmentVariableIntValue(rankVariable);
        options.worldSize = worldSize;
        options.port = qEnvironmentVariableIntValue(portVariable);
        options.timeout = std::chrono::seconds(20);
        options.collectiveTimeout = std::chrono::seconds(20);
        const QString role = qEnvironmentVariable(roleVariable);
        const QString output = qEnvironmentVariable(outputVariable);
        const auto group = DistributedGroup::join(options);
        QList<QVector<double>> records;
        if (role == "collectives") {
            BroadcastTensors tensors(group->rank());
            group->broadcast({ tensors.floats, tensors.doubles, tensors.integers, tensors.transposedBase.t() });
            records << valuesOf({ tensors.floats, tensors.doubles, tensors.integers, tensors.transposedBase });
            records << QVector<double> { group->averageScalar(group->rank() + 1.0) };
            const auto local
                = (torch::arange(6, torch::kFloat).reshape({ 2, 3 }) + 10.0 * group->rank()).set_requires_grad(true);
            const auto gathered = group->gatherWithGradient(local);
            (gathered * gathered).sum().backward();
            records << valuesOf({ gathered }) << valuesOf({ local.grad() });
            // Gradients rank + 1 on both: summed 1 + 2 = 3, averaged 1.5 (a double one rides in its own bucket).
            const auto summed = torch::ones({ 2 }, torch::requires_grad());
            const auto averaged = torch::ones({ 3 }, torch::TensorOptions().dtype(torch::kDouble).requires_grad(true));
            ((summed.sum() + averaged.sum()) * (group->rank() + 1)).backward();
            group->sumGradients({ summed });
            group->averageGradients({ averaged });
            records << valuesOf({ summed.grad(), averaged.grad() });
            group->barrier();
        } else if (role == "failures") {
            QStringList messages;
            const auto fail = [&messages](const std::function<void()>& call) {
                try {
                    call();
                    messages << "no error";
                } catch (const std::runtime_error& error) {
                    messages << QString::fromStdString(error.what());
                }
            };
            // Mismatched calls (rank 0 reduces two gradients, rank 1 one): both ranks refuse, neither mixes buffers.
            const auto first = torch::ones({ 2 }, torch::requires_grad());
            const auto second = torch::ones({ 3 }, torch::requires_grad());
            (first.sum() + second.sum()).backward();
            fail([&] {
                group->sumGradients(group->rank() == 0 ? std::vector<torch::Tensor> { first, second }
                                                       : std::vector<torch::Tensor> { first });
            });
            // Rank 1 leaves: rank 0's next collective fails at once instead of waiting for the timeout.
            if (group->rank() == 0) {
                QElapsedTimer clock;
                clock.start();
                fail([&] { group->averageScalar(1.0); });
                messages << QString::number(clock.elapsed());
            }
            QFile file(output + ".txt");
            if (!file.open(QIODevice::WriteOnly))
                throw std::runtime_error("cannot write " + output.toStdString() + ".txt");
            file.write(messages.join('\n').toUtf8());
        } else if (role == "train") {
            // Rank 1 starts from other weights: broadcast() must make them rank 0's.
            TinyClip model(group->rank() == 0 ? initialSeed : initialSeed + 1);
            group->broadcast(model.parameters());
            const auto losses = train(model, group.get());
            records << valuesOf(model.parameters()) << QVector<double>(losses.begin(), losses.end());
        } else {
            throw std::runtime_error("unknown role " + role.toStdString());
        }
        writeRecords(output, records);
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "worker failed: %s\n", error.what());
        return 1;
    }
}

/// A loopback port that nothing listens on right now (the kernel's choice for port 0).
int freePort()
{
    const int socketHandle = ::socket(AF_INET, SOCK_STREAM, 0);
    if (socketHandle < 0)
        return -1;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    int port = -1;
    if (::bind(socketHandle, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0
        && ::getsockname(socketHandle, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(socketHandle);
    return port;
}

double maxAbsDifference(const QVector<double>& a, const QVector<double>& b)
{
    if (a.size() != b.size())
        return INFINITY;
    double worst = 0.0;
    for (qsizetype i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

} // namespace

class DistributedGroupTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void invalidOptions_data();
    void invalidOptions();
    void singleRankIsIdentity();
    void collectivesAcrossTwoProcesses();
    void trainingEqualsSingleProcess();
    void failuresDoNotHang();
    void joinFailsWithinTimeout_data();
    void joinFailsWithinTimeout();

private:
    /// Runs the two ranks of `role` and returns each rank's records (empty on failure, with the test failed).
    QList<QList<QVector<double>>> runRanks(const QString& role);
    QTemporaryDir directory;
};

void DistributedGroupTest::invalidOptions_data()
{
    QTest::addColumn<int>("rank");
    QTest::addColumn<int>("worldSize");
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("timeoutSeconds");
    QTest::addColumn<int>("collectiveSeconds");
    QTest::newRow("negative-rank") << -1 << 2 << 29500 << 5 << 5;
    QTest::newRow("rank-beyond-world") << 2 << 2 << 29500 << 5 << 5;
    QTest::newRow("empty-world") << 0 << 0 << 29500 << 5 << 5;
    QTest::newRow("port-zero") << 1 << 2 << 0 << 5 << 5;
    QTest::newRow("port-too-large") << 0 << 2 << 70000 << 5 << 5;
    QTest::newRow("zero-timeout") << 0 << 2 << 29500 << 0 << 5;
    QTest::newRow("zero-collective-timeout") << 0 << 2 << 29500 << 5 << 0;
}

void DistributedGroupTest::invalidOptions()
{
    QFETCH(int, rank);
    QFETCH(int, worldSize);
    QFETCH(int, port);
    QFETCH(int, timeoutSeconds);
    QFETCH(int, collectiveSeconds);
    DistributedGroup::Options options;
    options.rank = rank;
    options.worldSize = worldSize;
    options.port = port;
    options.timeout = std::chrono::seconds(timeoutSeconds);
    options.collectiveTimeout = std::chrono::seconds(collectiveSeconds);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DistributedGroup::join(options));
}

void DistributedGroupTest::singleRankIsIdentity()
{
    // A world of one needs no rendezvous (the trainer uses the same code path with or without peers).
    DistributedGroup::Options options;
    options.port = 0;
    const auto group = DistributedGroup::join(options);
    QCOMPARE(group->rank(), 0);
    QCOMPARE(group->worldSize(), 1);
    const auto local = torch::randn({ 3, 2 });
    QVERIFY(group->gatherWithGradient(local).equal(local));
    QCOMPARE(group->averageScalar(2.5), 2.5);
    auto parameter = torch::ones({ 2 }, torch::requires_grad());
    (parameter * 3).sum().backward();
    group->sumGradients({ parameter });
    group->averageGradients({ parameter });
    QVERIFY(parameter.grad().equal(torch::full({ 2 }, 3.0)));
    group->barrier();
}

QList<QList<QVector<double>>> DistributedGroupTest::runRanks(const QString& role)
{
    QList<QList<QVector<double>>> results;
    const int port = freePort();
    if (port <= 0) {
        QTest::qFail("no free loopback port", __FILE__, __LINE__);
        return results;
    }
    std::vector<std::unique_ptr<QProcess>> processes;
    QStringList outputs;
    for (int rank = 0; rank < worldSize; ++rank) {
        outputs << directory.filePath(QString("%1-rank%2.bin").arg(role).arg(rank));
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.insert(roleVariable, role);
        environment.insert(rankVariable, QString::number(rank));
        environment.insert(portVariable, QString::number(port));
        environment.insert(outputVariable, outputs.back());
        auto process = std::make_unique<QProcess>();
        process->setProcessEnvironment(environment);
        process->setProcessChannelMode(QProcess::MergedChannels);
        process->start(QCoreApplication::applicationFilePath(), {});
        processes.push_back(std::move(process));
    }
    bool allSucceeded = true;
    for (int rank = 0; rank < worldSize; ++rank) {
        QProcess& process = *processes[static_cast<std::size_t>(rank)];
        const bool finished = process.waitForFinished(60000);
        if (!finished) {
            process.kill();
            process.waitForFinished(5000);
        }
        if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            allSucceeded = false;
            qWarning("rank %d (port %d) failed: %s", rank, port, process.readAll().constData());
        }
    }
    if (!allSucceeded) {
        QTest::qFail(qPrintable(role + " workers failed"), __FILE__, __LINE__);
        return results;
    }
    for (const auto& output : outputs)
        results << readRecords(output);
    return results;
}

void DistributedGroupTest::collectivesAcrossTwoProcesses()
{
    const auto ranks = runRanks("collectives");
    QCOMPARE(ranks.size(), worldSize);
    const BroadcastTensors rootTensors(0);
    const auto expectedBroadcast
        = valuesOf({ rootTensors.floats, rootTensors.doubles, rootTensors.integers, rootTensors.transposedBase });
    // Rank 0's gathered rows 0..5, rank 1's 10..15; d(sum x^2)/dx = 2x on this rank's rows only.
    QVector<double> expectedGathered;
    for (int rank = 0; rank < worldSize; ++rank) {
        for (int i = 0; i < 6; ++i)
            expectedGathered << 10.0 * rank + i;
    }
    for (int rank = 0; rank < worldSize; ++rank) {
        const auto& records = ranks[rank];
        QCOMPARE(records.size(), 5);
        const QByteArray which = "rank " + QByteArray::number(rank);
        QVERIFY2(records[0] == expectedBroadcast, which + ": broadcast did not give rank 0's values");
        QVERIFY2(records[1] == QVector<double> { 1.5 }, which + ": mean of 1 and 2 is not 1.5");
        QVERIFY2(records[2] == expectedGathered, which + ": gathered rows out of rank order");
        QVector<double> expectedGradient;
        for (int i = 0; i < 6; ++i)
            expectedGradient << 2.0 * (10.0 * rank + i);
        QVERIFY2(records[3] == expectedGradient, which + ": gradient did not reach exactly the local rows");
        const QVector<double> expectedReduced { 3.0, 3.0, 1.5, 1.5, 1.5 };
        QVERIFY2(records[4] == expectedReduced, which + ": summed or averaged gradients are wrong");
    }
}

void DistributedGroupTest::trainingEqualsSingleProcess()
{
    torch::set_num_threads(1);
    TinyClip reference(initialSeed);
    const auto initial = valuesOf(reference.parameters());
    const auto referenceLosses = train(reference, nullptr);
    const auto expectedParameters = valuesOf(reference.parameters());
    const QVector<double> expectedLosses(referenceLosses.begin(), referenceLosses.end());
    // The run must move the weights, or equal weights would prove nothing.
    QVERIFY2(maxAbsDifference(initial, expectedParameters) > 1e-2, "three SGD steps did not change the weights");

    const auto ranks = runRanks("train");
    QCOMPARE(ranks.size(), worldSize);
    for (int rank = 0; rank < worldSize; ++rank) {
        QCOMPARE(ranks[rank].size(), 2);
        const double parameterDifference = maxAbsDifference(ranks[rank][0], expectedParameters);
        const double lossDifference = maxAbsDifference(ranks[rank][1], expectedLosses);
        qInfo("rank %d: max |weight difference| %.3g, max |loss difference| %.3g (losses %.6f -> %.6f)", rank,
            parameterDifference, lossDifference, expectedLosses.front(), expectedLosses.back());
        QVERIFY2(parameterDifference <= 1e-5,
            qPrintable(QString("rank %1 weights differ from one process by %2").arg(rank).arg(parameterDifference)));
        QVERIFY2(lossDifference <= 1e-5,
            qPrintable(QString("rank %1 losses differ from one process by %2").arg(rank).arg(lossDifference)));
    }
    QVERIFY2(maxAbsDifference(ranks[0][0], ranks[1][0]) == 0.0, "the two ranks ended with different weights");
}

void DistributedGroupTest::failuresDoNotHang()
{
    QCOMPARE(runRanks("failures").size(), worldSize);
    QList<QStringList> messages;
    for (int rank = 0; rank < worldSize; ++rank) {
        QFile file(directory.filePath(QString("failures-rank%1.bin.txt").arg(rank)));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable("rank " + QString::number(rank) + " wrote no messages"));
        messages << QString::fromUtf8(file.readAll()).split('\n');
        qInfo("rank %d: %s", rank, qPrintable(messages.back().join(" | ")));
        QVERIFY2(messages.back().front().contains("differ between rank 0 and rank 1"),
            qPrintable("mismatched gradient lists were not refused: " + messages.back().front()));
    }
    QCOMPARE(messages[0].size(), 3);
    QVERIFY2(messages[0][1].contains("rank 0 of 2: allreduce failed"),
        qPrintable("a collective with a departed peer did not fail: " + messages[0][1]));
    // The group's timeout is 20 s: failing well before it shows the departure was noticed, not waited out.
    QVERIFY2(
        messages[0][2].toLongLong() < 10000, qPrintable("noticed the departed peer after " + messages[0][2] + " ms"));
}

void DistributedGroupTest::joinFailsWithinTimeout_data()
{
    QTest::addColumn<int>("rank");
    QTest::addColumn<QString>("cause");
    QTest::newRow("client-without-server") << 1 << "could not reach rank 0's rendezvous store";
    QTest::newRow("server-without-clients") << 0 << "only 1 of 2 ranks arrived";
}

void DistributedGroupTest::joinFailsWithinTimeout()
{
    QFETCH(int, rank);
    QFETCH(QString, cause);
    DistributedGroup::Options options;
    options.rank = rank;
    options.worldSize = worldSize;
    options.port = freePort();
    options.timeout = std::chrono::seconds(2);
    QVERIFY(options.port > 0);
    QElapsedTimer clock;
    clock.start();
    QString message;
    try {
        DistributedGroup::join(options);
    } catch (const std::runtime_error& error) {
        message = QString::fromStdString(error.what());
    }
    const qint64 elapsed = clock.elapsed();
    qInfo("failed after %lld ms: %s", static_cast<long long>(elapsed), qPrintable(message));
    QVERIFY2(!message.isEmpty(), "joining a rendezvous that never completes did not fail");
    const QString where = QString("127.0.0.1:%1").arg(options.port);
    QVERIFY2(message.contains(where), qPrintable("message does not name " + where + ": " + message));
    QVERIFY2(message.contains(QString("rank %1").arg(rank)), qPrintable("message does not name the rank: " + message));
    QVERIFY2(message.contains(cause), qPrintable("message does not say \"" + cause + "\": " + message));
    // Not a speed goal: a generous bound that only a hang (no timeout) would exceed.
    QVERIFY2(elapsed < 30000, qPrintable(QString("gave up only after %1 ms").arg(elapsed)));
}

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    if (qEnvironmentVariableIsSet(roleVariable))
        return runWorker();
    DistributedGroupTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "DistributedGroupTest.moc"
