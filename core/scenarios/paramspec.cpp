#include "scenarios/paramspec.h"

#include <QJsonArray>

#include <algorithm>

namespace spindle {

const char* toString(ParamSpec::Kind kind)
{
    switch (kind) {
    case ParamSpec::Kind::Int:
        return "int";
    case ParamSpec::Kind::Choice:
        return "choice";
    case ParamSpec::Kind::IntList:
        return "int-list";
    }
    return "unknown";
}

QString ParamSpec::allowedText() const
{
    const QString range = QStringLiteral("%1 … %2").arg(min).arg(max);
    switch (kind) {
    case Kind::Int: {
        QString text = QStringLiteral("an integer %1%2")
                           .arg(range, unit.isEmpty() ? QString() : QLatin1Char(' ') + unit);
        if (!zeroMeans.isEmpty())
            text += QStringLiteral(" (0 = %1)").arg(zeroMeans);
        return text;
    }
    case Kind::Choice:
        return QStringLiteral("one of: %1").arg(choices.join(QStringLiteral(", ")));
    case Kind::IntList:
        return QStringLiteral("%1 or a comma-separated list of integers %2")
            .arg(choices.join(QStringLiteral(", ")), range);
    }
    return {};
}

namespace {

std::optional<std::int64_t> parseInt(const QString& text)
{
    bool ok = false;
    const qlonglong v = text.trimmed().toLongLong(&ok);
    return ok ? std::optional<std::int64_t>(v) : std::nullopt;
}

} // namespace

std::optional<QString> ParamSpec::check(const QString& value) const
{
    const auto refuse = [&](const QString& why) {
        return QStringLiteral("parameter %1 = '%2' %3; allowed: %4").arg(name, value, why, allowedText());
    };
    switch (kind) {
    case Kind::Int: {
        const auto v = parseInt(value);
        if (!v)
            return refuse(QStringLiteral("is not an integer"));
        if (*v < min || *v > max)
            return refuse(QStringLiteral("is out of range"));
        return std::nullopt;
    }
    case Kind::Choice:
        if (!choices.contains(value))
            return refuse(QStringLiteral("is not a choice"));
        return std::nullopt;
    case Kind::IntList: {
        if (presets.contains(value))
            return std::nullopt;
        const QStringList parts = value.split(QLatin1Char(','));
        if (value.trimmed().isEmpty())
            return refuse(QStringLiteral("is empty"));
        for (const QString& part : parts) {
            const auto v = parseInt(part);
            if (!v)
                return refuse(
                    QStringLiteral("has '%1', which is neither a preset nor an integer").arg(part.trimmed()));
            if (*v < min || *v > max)
                return refuse(QStringLiteral("has %1, which is out of range").arg(*v));
        }
        return std::nullopt;
    }
    }
    return std::nullopt;
}

std::vector<std::int64_t> ParamSpec::intList(const QString& value) const
{
    if (const auto it = presets.find(value); it != presets.end())
        return it.value();
    std::vector<std::int64_t> out;
    for (const QString& part : value.split(QLatin1Char(','))) {
        if (const auto v = parseInt(part))
            out.push_back(*v);
    }
    return out;
}

std::optional<ParamSpec> ParamSpec::fromJson(const QJsonObject& json, QString* error)
{
    ParamSpec p;
    p.name = json.value(QLatin1String("name")).toString();
    const QString kind = json.value(QLatin1String("kind")).toString();
    if (kind == QLatin1String("int"))
        p.kind = Kind::Int;
    else if (kind == QLatin1String("choice"))
        p.kind = Kind::Choice;
    else if (kind == QLatin1String("int-list"))
        p.kind = Kind::IntList;
    else {
        *error = QStringLiteral("parameter '%1': kind '%2' is not one of int, choice, int-list")
                     .arg(p.name, kind);
        return std::nullopt;
    }
    // JSON numbers are doubles: read 64-bit bounds from their text form when needed.
    // Qt 6 keeps JSON integers exact up to 64 bits; never go through double.
    const auto int64Of = [](const QJsonValue& v) -> std::int64_t {
        return v.isString() ? v.toString().toLongLong() : static_cast<std::int64_t>(v.toInteger());
    };
    p.defaultValue = json.value(QLatin1String("default")).toVariant().toString();
    p.min = int64Of(json.value(QLatin1String("min")));
    p.max = int64Of(json.value(QLatin1String("max")));
    p.unit = json.value(QLatin1String("unit")).toString();
    p.help = json.value(QLatin1String("help")).toString();
    p.zeroMeans = json.value(QLatin1String("zero")).toString();
    for (const QJsonValue& c : json.value(QLatin1String("choices")).toArray())
        p.choices << c.toString();
    const QJsonObject presets = json.value(QLatin1String("presets")).toObject();
    for (auto it = presets.begin(); it != presets.end(); ++it) {
        std::vector<std::int64_t> numbers;
        for (const QJsonValue& v : it.value().toArray())
            numbers.push_back(static_cast<std::int64_t>(v.toInteger()));
        p.presets.insert(it.key(), numbers);
        p.choices << it.key();
    }
    if (p.name.isEmpty()) {
        *error = QStringLiteral("a parameter has no name");
        return std::nullopt;
    }
    if (auto bad = p.check(p.defaultValue)) {
        *error = QStringLiteral("default of %1").arg(*bad);
        return std::nullopt;
    }
    return p;
}

std::optional<QString> resolveParams(
    const QList<ParamSpec>& schema, const ParamValues& given, ParamValues* resolved)
{
    ParamValues out;
    for (auto it = given.begin(); it != given.end(); ++it) {
        const bool known = std::any_of(
            schema.begin(), schema.end(), [&](const ParamSpec& p) { return p.name == it.key(); });
        if (!known) {
            QStringList names;
            for (const ParamSpec& p : schema)
                names << p.name;
            return QStringLiteral("unknown parameter '%1'; this scenario has: %2")
                .arg(it.key(), names.isEmpty() ? QStringLiteral("(none)") : names.join(QStringLiteral(", ")));
        }
    }
    for (const ParamSpec& p : schema) {
        const QString value = given.value(p.name, p.defaultValue);
        if (auto error = p.check(value))
            return error;
        out.insert(p.name, value);
    }
    *resolved = out;
    return std::nullopt;
}

} // namespace spindle
