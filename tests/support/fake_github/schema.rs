//! A small JSON-schema validator for the OpenAPI 3 subset GitHub's description uses in request
//! bodies and parameters: type (also as a list), nullable, enum, const, properties, required,
//! additionalProperties, items, min/maxItems, min/maxLength, minimum/maximum, pattern, oneOf,
//! anyOf, allOf. Unknown keywords (format, examples...) are ignored, as validators do.

use serde_json::Value;

/// Every violation of `schema` by `value`, as `at: problem` lines.
pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, value, "$", &mut errors);
    errors
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn check(schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
        return;
    }
    match schema.get("type") {
        Some(Value::String(name)) if !type_matches(name, value) => {
            errors.push(format!("{at}: expected {name}, got {value}"));
            return;
        }
        Some(Value::Array(names))
            if !names
                .iter()
                .filter_map(Value::as_str)
                .any(|name| type_matches(name, value)) =>
        {
            errors.push(format!("{at}: expected one of {names:?}, got {value}"));
            return;
        }
        _ => {}
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(expected) = schema.get("const")
        && expected != value
    {
        errors.push(format!("{at}: {value} is not {expected}"));
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            errors.push(format!("{at}: {length} characters, more than {max}"));
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            errors.push(format!("{at}: {length} characters, fewer than {min}"));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
            && let Ok(regex) = regex::Regex::new(pattern)
            && !regex.is_match(text)
        {
            errors.push(format!("{at}: `{text}` does not match /{pattern}/"));
        }
    }
    if let Some(number) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && number < min
        {
            errors.push(format!("{at}: {number} < minimum {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && number > max
        {
            errors.push(format!("{at}: {number} > maximum {max}"));
        }
    }
    if let Some(items) = value.as_array() {
        let count = items.len() as u64;
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            errors.push(format!("{at}: {count} items, more than {max}"));
        }
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            errors.push(format!("{at}: {count} items, fewer than {min}"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                check(item_schema, item, &format!("{at}[{index}]"), errors);
            }
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = schema.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    errors.push(format!("{at}: missing required property `{name}`"));
                }
            }
        }
        for (name, inner) in object {
            let at = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(property) => check(property, inner, &at, errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{at}: property not allowed"));
                    }
                    Some(extra @ Value::Object(_)) => check(extra, inner, &at, errors),
                    _ => {}
                },
            }
        }
    }
    if let Some(Value::Array(all)) = schema.get("allOf") {
        for branch in all {
            check(branch, value, at, errors);
        }
    }
    if let Some(Value::Array(any)) = schema.get("anyOf")
        && !any
            .iter()
            .any(|branch| validate_at(branch, value, at).is_empty())
    {
        let reasons: Vec<String> = any
            .iter()
            .flat_map(|branch| validate_at(branch, value, at))
            .collect();
        errors.push(format!(
            "{at}: matches no anyOf branch ({})",
            reasons.join("; ")
        ));
    }
    if let Some(Value::Array(one)) = schema.get("oneOf") {
        let matching = one
            .iter()
            .filter(|branch| validate_at(branch, value, at).is_empty())
            .count();
        if matching != 1 {
            errors.push(format!(
                "{at}: matches {matching} oneOf branches, not exactly one"
            ));
        }
    }
}

fn validate_at(schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, value, at, &mut errors);
    errors
}

/// Checks a query or path parameter given as text against its schema.
pub fn validate_parameter(schema: &Value, text: &str) -> Vec<String> {
    let value = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => match text.parse::<i64>() {
            Ok(number) => Value::from(number),
            Err(_) => return vec![format!("`{text}` is not an integer")],
        },
        Some("boolean") => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return vec![format!("`{text}` is not a boolean")],
        },
        _ => Value::String(text.to_string()),
    };
    validate(schema, &value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_subset_works() {
        let schema = json!({
            "type": "object",
            "required": ["event"],
            "properties": {
                "event": {"type": "string", "enum": ["COMMENT", "APPROVE"]},
                "comments": {"type": "array", "maxItems": 2, "items": {
                    "type": "object", "required": ["path"],
                    "properties": {"path": {"type": "string"}, "line": {"type": "integer"}}}},
                "note": {"type": "string", "nullable": true, "maxLength": 3},
            },
            "additionalProperties": false,
            "anyOf": [{"required": ["event"]}, {"required": ["comments"]}],
        });
        assert!(validate(&schema, &json!({"event": "COMMENT", "note": null})).is_empty());
        let errors = validate(
            &schema,
            &json!({"event": "NOPE", "comments": [{"line": "1"}, {}, {}], "x": 1, "note": "long"}),
        );
        assert_eq!(errors.len(), 8, "{errors:#?}");
        assert!(validate_parameter(&json!({"type": "integer"}), "12").is_empty());
        assert_eq!(
            validate_parameter(&json!({"type": "integer"}), "x").len(),
            1
        );
    }
}
