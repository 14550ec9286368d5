package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.policy.conf.Ast.*;

/** Arithmetic, string and logical operators with Perl's numeric/string conventions. */
final class Operators {
    private Operators() {}

    static Object binary(Evaluator ev, Binary b) throws ConfigException {
        switch (b.op()) {
            case "||" -> {
                Object l = ev.scalar(b.left());
                return Rt.truthy(l) ? l : ev.scalar(b.right());
            }
            case "&&" -> {
                Object l = ev.scalar(b.left());
                return Rt.truthy(l) ? ev.scalar(b.right()) : l;
            }
            case "//" -> {
                Object l = ev.scalar(b.left());
                return l instanceof PerlValue.Undef ? ev.scalar(b.right()) : l;
            }
            case "..", "=~", "!~", "xor" ->
                throw new ConfigException(
                        b.at(),
                        "unsupported construct '" + b.op() + "'" + (b.op().equals("..") ? " in scalar context" : ""));
            default -> {
                if (b.op().equals("x") && b.left() instanceof ListExpr) {
                    throw new ConfigException(b.at(), "list repetition needs list context");
                }
                return apply(b.op(), ev.scalar(b.left()), ev.scalar(b.right()), b.at());
            }
        }
    }

    static Object apply(String op, Object l, Object r, Origin at) throws ConfigException {
        switch (op) {
            case "." -> {
                return PerlValue.of(Rt.str(l) + Rt.str(r));
            }
            case "x" -> {
                int n = (int) Rt.num(r);
                return PerlValue.of(n <= 0 ? "" : Rt.str(l).repeat(n));
            }
            case "eq" -> {
                return bool(Rt.str(l).equals(Rt.str(r)));
            }
            case "ne" -> {
                return bool(!Rt.str(l).equals(Rt.str(r)));
            }
            case "lt", "gt", "le", "ge", "cmp" -> {
                int c = Integer.signum(Rt.str(l).compareTo(Rt.str(r)));
                return switch (op) {
                    case "lt" -> bool(c < 0);
                    case "gt" -> bool(c > 0);
                    case "le" -> bool(c <= 0);
                    case "ge" -> bool(c >= 0);
                    default -> PerlValue.of(c);
                };
            }
            default -> {
                return arithmetic(op, Rt.num(l), Rt.num(r), at);
            }
        }
    }

    private static Object arithmetic(String op, double a, double b, Origin at) throws ConfigException {
        return switch (op) {
            case "+" -> Rt.number(a + b);
            case "-" -> Rt.number(a - b);
            case "*" -> Rt.number(a * b);
            case "/" -> {
                if (b == 0) {
                    throw new ConfigException(at, "illegal division by zero");
                }
                yield Rt.number(a / b);
            }
            case "%" -> {
                long bi = (long) b;
                if (bi == 0) {
                    throw new ConfigException(at, "illegal modulus zero");
                }
                long m = (long) a % bi;
                // Perl's % takes the sign of the right operand
                if (m != 0 && (m < 0) != (bi < 0)) {
                    m += bi;
                }
                yield PerlValue.of(m);
            }
            case "**" -> Rt.number(Math.pow(a, b));
            case "==" -> bool(a == b);
            case "!=" -> bool(a != b);
            case "<" -> bool(a < b);
            case ">" -> bool(a > b);
            case "<=" -> bool(a <= b);
            case ">=" -> bool(a >= b);
            case "<=>" -> PerlValue.of((long) Double.compare(a, b));
            case "|" -> PerlValue.of((long) a | (long) b);
            case "&" -> PerlValue.of((long) a & (long) b);
            case "^" -> PerlValue.of((long) a ^ (long) b);
            case "<<" -> PerlValue.of((long) a << (long) b);
            case ">>" -> PerlValue.of((long) a >> (long) b);
            default -> throw new ConfigException(at, "unsupported operator '" + op + "'");
        };
    }

    private static Object bool(boolean b) {
        return PerlValue.of(b ? "1" : "");
    }

    static Object unary(Evaluator ev, Unary u) throws ConfigException {
        Object v = ev.scalar(u.operand());
        return switch (u.op()) {
            case "neg" ->
                v instanceof PerlValue.Str s
                                && !s.looksLikeNumber()
                                && !s.value().isEmpty()
                        ? PerlValue.of(
                                s.value().startsWith("-") ? "+" + s.value().substring(1) : "-" + s.value())
                        : Rt.number(-Rt.num(v));
            case "!" -> bool(!Rt.truthy(v));
            case "~" -> PerlValue.of(Long.toUnsignedString(~(long) Rt.num(v)));
            default -> throw new ConfigException(u.at(), "unsupported operator '" + u.op() + "'");
        };
    }

    /** Operators that produce lists: ranges and list repetition. */
    static List<Object> listBinary(Evaluator ev, Binary b) throws ConfigException {
        List<Object> out = new ArrayList<>();
        if (b.op().equals("..")) {
            long from = (long) Rt.num(ev.scalar(b.left()));
            long to = (long) Rt.num(ev.scalar(b.right()));
            if (to - from > 1_000_000) {
                throw new ConfigException(b.at(), "range too large");
            }
            for (long i = from; i <= to; i++) {
                out.add(PerlValue.of(i));
            }
            return out;
        }
        List<Object> items = ev.list(b.left());
        long n = (long) Rt.num(ev.scalar(b.right()));
        for (long i = 0; i < n; i++) {
            out.addAll(items);
        }
        return out;
    }
}
