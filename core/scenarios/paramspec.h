#pragma once
// One parameter of a scenario, as its JSON declares it: the window's editor
// and `spindle list` show it, and resolveParams() checks values against it.

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace spindle {

using ParamValues = QMap<QString, QString>;

struct ParamSpec {
    enum class Kind { Int, Choice, IntList };
    QString name;
    Kind kind = Kind::Int;
    QString defaultValue;
    std::int64_t min = 0;
    std::int64_t max = 0;
    QStringList choices; // Choice; IntList preset names
    QMap<QString, std::vector<std::int64_t>> presets; // IntList
    QString unit;
    QString help;
    QString zeroMeans; // Int with min 0: what 0 stands for ("calibrated"), shown in place of a bare 0

    // "int 1 … 60 s", "one of: sleep, cpu", "book | quick | n1,n2,… (each 0 … 9223372036854775807)"
    QString allowedText() const;
    // nullopt when value is acceptable, else a message naming the parameter.
    std::optional<QString> check(const QString& value) const;
    // For IntList: the numbers a (checked) value stands for.
    std::vector<std::int64_t> intList(const QString& value) const;

    static std::optional<ParamSpec> fromJson(const QJsonObject& json, QString* error);
};

const char* toString(ParamSpec::Kind kind);

// Fills defaults, refuses unknown names and bad values. On success returns
// the complete set of values; on failure, the message.
std::optional<QString> resolveParams(
    const QList<ParamSpec>& schema, const ParamValues& given, ParamValues* resolved);

} // namespace spindle
