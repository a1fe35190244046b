package io.haloconnector.splunkapp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Splunk's eval language that the app's props.conf EVALs use, evaluated the way Splunk
 * does: string and number literals, field names (bare, or in single quotes such as
 * {@code 'cves{}.CVSS'}), {@code == != AND OR NOT}, {@code .} to join strings, and the functions
 * {@code if case coalesce in lower match replace mvfind isnull isnotnull null true}. A field holds
 * one value, several (a JSON array), or none; null spreads through functions and joins, and counts
 * as false in conditions. Anything else is refused, so an EVAL this test cannot check fails loudly.
 */
public final class SplEval {

    private final String text;
    private int pos;

    private SplEval(String text) {
        this.text = text;
    }

    /** An expression read from {@code text}. */
    public interface Expression {
        /** The value over {@code fields}: null, a String, a List of Strings (several values) or a Boolean. */
        Object eval(Map<String, List<String>> fields);
    }

    public static Expression parse(String text) {
        SplEval parser = new SplEval(text);
        Expression expression = parser.or();
        parser.skipSpace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text");
        }
        return expression;
    }

    /** The result as field values: none for null, one for a string, several for a multivalue. */
    public static List<String> values(Object result) {
        if (result == null) {
            return List.of();
        }
        if (result instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (result instanceof Boolean) {
            throw new IllegalArgumentException("an EVAL gives a field a boolean, which Splunk refuses");
        }
        return List.of(result.toString());
    }

    private Expression or() {
        Expression left = and();
        while (keyword("OR")) {
            Expression l = left;
            Expression r = and();
            left = fields -> isTrue(l.eval(fields)) || isTrue(r.eval(fields));
        }
        return left;
    }

    private Expression and() {
        Expression left = not();
        while (keyword("AND")) {
            Expression l = left;
            Expression r = not();
            left = fields -> isTrue(l.eval(fields)) && isTrue(r.eval(fields));
        }
        return left;
    }

    private Expression not() {
        if (keyword("NOT")) {
            Expression operand = not();
            return fields -> !isTrue(operand.eval(fields));
        }
        return comparison();
    }

    private Expression comparison() {
        Expression left = concatenation();
        skipSpace();
        boolean equal = text.startsWith("==", pos);
        boolean notEqual = text.startsWith("!=", pos);
        if (!equal && !notEqual) {
            return left;
        }
        pos += 2;
        Expression right = concatenation();
        return fields -> {
            Object a = single(left.eval(fields));
            Object b = single(right.eval(fields));
            if (a == null || b == null) {
                return false;
            }
            return a.equals(b) == equal;
        };
    }

    private Expression concatenation() {
        Expression left = primary();
        while (true) {
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == '.') {
                pos++;
                Expression l = left;
                Expression r = primary();
                left = fields -> {
                    Object a = single(l.eval(fields));
                    Object b = single(r.eval(fields));
                    return a == null || b == null ? null : a + "" + b;
                };
            } else {
                return left;
            }
        }
    }

    private Expression primary() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("expression ends early");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            pos++;
            Expression inner = or();
            expect(')');
            return inner;
        }
        if (c == '"') {
            String literal = stringLiteral();
            return fields -> literal;
        }
        if (c == '\'') {
            int end = text.indexOf('\'', pos + 1);
            if (end < 0) {
                throw error("unclosed quoted field name");
            }
            String name = text.substring(pos + 1, end);
            pos = end + 1;
            return fields -> field(fields, name);
        }
        if (Character.isDigit(c)) {
            int start = pos;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            String number = text.substring(start, pos);
            return fields -> number;
        }
        String word = word();
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == '(') {
            pos++;
            List<Expression> arguments = new ArrayList<>();
            skipSpace();
            boolean more = pos < text.length() && text.charAt(pos) != ')';
            while (more) {
                arguments.add(or());
                skipSpace();
                more = pos < text.length() && text.charAt(pos) == ',';
                if (more) {
                    pos++;
                }
            }
            expect(')');
            return function(word, arguments);
        }
        return fields -> field(fields, word);
    }

    private Expression function(String name, List<Expression> args) {
        return switch (name) {
            case "null" -> arity(name, args, 0, fields -> null);
            case "true" -> arity(name, args, 0, fields -> true);
            case "if" -> arity(name, args, 3, fields -> isTrue(args.get(0).eval(fields))
                    ? args.get(1).eval(fields) : args.get(2).eval(fields));
            case "case" -> {
                if (args.size() % 2 != 0) {
                    throw error("case() takes condition, value pairs");
                }
                yield fields -> {
                    for (int i = 0; i < args.size(); i += 2) {
                        if (isTrue(args.get(i).eval(fields))) {
                            return args.get(i + 1).eval(fields);
                        }
                    }
                    return null;
                };
            }
            case "coalesce" -> fields -> {
                for (Expression arg : args) {
                    Object value = arg.eval(fields);
                    if (value != null) {
                        return value;
                    }
                }
                return null;
            };
            case "in" -> fields -> {
                Object value = single(args.get(0).eval(fields));
                if (value == null) {
                    return false;
                }
                return args.subList(1, args.size()).stream().anyMatch(arg -> value.equals(single(arg.eval(fields))));
            };
            case "lower" -> arity(name, args, 1, fields -> {
                Object value = single(args.get(0).eval(fields));
                return value == null ? null : value.toString().toLowerCase(java.util.Locale.ROOT);
            });
            case "isnull" -> arity(name, args, 1, fields -> args.get(0).eval(fields) == null);
            case "isnotnull" -> arity(name, args, 1, fields -> args.get(0).eval(fields) != null);
            case "match" -> arity(name, args, 2, fields -> {
                Object value = single(args.get(0).eval(fields));
                return value == null ? null : regex(args.get(1), fields).matcher(value.toString()).find();
            });
            case "replace" -> arity(name, args, 3, fields -> {
                Object value = single(args.get(0).eval(fields));
                if (value == null) {
                    return null;
                }
                String replacement = javaReplacement(single(args.get(2).eval(fields)).toString());
                return regex(args.get(1), fields).matcher(value.toString()).replaceAll(replacement);
            });
            case "mvfind" -> arity(name, args, 2, fields -> {
                Object value = args.get(0).eval(fields);
                Pattern pattern = regex(args.get(1), fields);
                List<String> all = values(value);
                for (int i = 0; i < all.size(); i++) {
                    if (pattern.matcher(all.get(i)).find()) {
                        return String.valueOf(i);
                    }
                }
                return null;
            });
            default -> throw error(name + "() is not covered by this test's eval");
        };
    }

    /** Splunk writes a group in a replacement as \\1, Java as $1; every other character is literal. */
    private static String javaReplacement(String splunk) {
        StringBuilder java = new StringBuilder();
        for (int i = 0; i < splunk.length(); i++) {
            char c = splunk.charAt(i);
            if (c == '\\' && i + 1 < splunk.length() && Character.isDigit(splunk.charAt(i + 1))) {
                java.append('$').append(splunk.charAt(++i));
            } else {
                java.append(Matcher.quoteReplacement(String.valueOf(c)));
            }
        }
        return java.toString();
    }

    private Expression arity(String name, List<Expression> args, int count, Expression body) {
        if (args.size() != count) {
            throw error(name + "() takes " + count + " arguments");
        }
        return body;
    }

    private static Pattern regex(Expression expression, Map<String, List<String>> fields) {
        return Pattern.compile(single(expression.eval(fields)).toString());
    }

    private static Object field(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.get(0) : values;
    }

    /** Functions that read one value refuse several: Splunk's result there is not one this test can vouch for. */
    private static Object single(Object value) {
        if (value instanceof List<?>) {
            throw new IllegalArgumentException("a multivalue field where one value is expected: " + value);
        }
        return value;
    }

    private static boolean isTrue(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("a condition that is not true or false: " + value);
    }

    /** A double-quoted string; {@code \"} and {@code \\} are escapes, any other backslash stays (regexes). */
    private String stringLiteral() {
        StringBuilder literal = new StringBuilder();
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return literal.toString();
            }
            if (c == '\\' && pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\\')) {
                literal.append(text.charAt(pos++));
            } else {
                literal.append(c);
            }
        }
        throw error("unclosed string");
    }

    private String word() {
        int start = pos;
        while (pos < text.length() && isWordChar(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("a value, field or function expected");
        }
        return text.substring(start, pos);
    }

    private boolean keyword(String keyword) {
        skipSpace();
        if (text.startsWith(keyword, pos) && (pos + keyword.length() == text.length()
                || !isWordChar(text.charAt(pos + keyword.length())))) {
            pos += keyword.length();
            return true;
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private void expect(char c) {
        skipSpace();
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("'" + c + "' expected");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at " + pos + " in: " + text);
    }
}
