//! Functions and procedures (CREATE/ALTER FUNCTION, PROCEDURE, ROUTINE) into the model: as
//! sqlparser read them, or from their tokens when it cannot (the name, the arguments as
//! written, `LANGUAGE`, `SECURITY DEFINER|INVOKER` and `SET` options).

use super::ctx::Ctx;
use super::lex::{Kind, Tok};
use super::model::{Function, at};
use super::stmt::{Stmt, ident, name_parts};
use crate::source::span::Span;
use sqlparser::ast::{
    AlterFunction, AlterFunctionAction, AlterFunctionOperation, CreateFunction, Expr,
    FunctionDefinitionSetParam, FunctionSecurity, FunctionSetValue, OperateFunctionArg,
    Value as SqlValue,
};

/// The arguments as sqlparser prints them, lower-cased: `a integer, b text`.
fn args_text(args: &Option<Vec<OperateFunctionArg>>) -> String {
    args.as_ref()
        .map(|a| {
            a.iter()
                .map(|x| x.to_string().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

pub(super) fn create_function(ctx: &mut Ctx, st: &Stmt, cf: &CreateFunction) {
    let (whole, focus) = (st.whole(), st.focus());
    let name = ctx.qualify(&cf.name);
    let args = args_text(&cf.args);
    let is_procedure = st.toks.iter().take(4).any(|t| t.is(st.src, "PROCEDURE"));
    let definer = matches!(cf.security, Some(FunctionSecurity::Definer));
    let sd_span = if cf.security.is_some() {
        st.security_clause_span().unwrap_or(focus)
    } else {
        focus
    };
    let kind = if is_procedure {
        "procedure"
    } else {
        "function"
    };
    let mut f = Function {
        language: cf.language.as_ref().map(ident),
        security_definer: at(definer, sd_span),
        ..Function::new(name, kind, args, true, whole, focus)
    };
    // the span of each SET clause: the n-th `SET` keyword at depth 0, outside the body
    let set_spans: Vec<Span> = st
        .toks
        .iter()
        .filter(|t| t.is(st.src, "SET"))
        .map(|t| st.tok_span(t))
        .collect();
    for (i, p) in cf.set_params.iter().enumerate() {
        set_param(&mut f, p, set_spans.get(i).copied().unwrap_or(focus));
    }
    ctx.schema.put_function(f);
}

/// `ALTER FUNCTION|PROCEDURE|ROUTINE name [(args)] SECURITY …|SET …`; a function created
/// elsewhere is added as not created here.
pub(super) fn alter_function(ctx: &mut Ctx, st: &Stmt, af: &AlterFunction) {
    let (whole, focus) = (st.whole(), st.focus());
    let name = ctx.qualify(&af.function.name);
    let AlterFunctionOperation::Actions { actions, .. } = &af.operation else {
        return;
    };
    if !ctx.schema.functions.iter().any(|f| f.name == name) {
        let args = args_text(&af.function.args);
        let stub = Function::new(name.clone(), "function", args, false, whole, focus);
        ctx.schema.functions.push(stub);
    }
    for f in ctx.schema.functions.iter_mut().filter(|f| f.name == name) {
        for a in actions {
            match a {
                AlterFunctionAction::Security { security, .. } => {
                    let span = st.security_clause_span().unwrap_or(focus);
                    f.security_definer = at(matches!(security, FunctionSecurity::Definer), span);
                }
                AlterFunctionAction::Set(p) => {
                    set_param(f, p, st.kw_span(&["SET"]).unwrap_or(focus))
                }
                _ => {}
            }
        }
    }
}

fn set_param(f: &mut Function, p: &FunctionDefinitionSetParam, span: Span) {
    let name = name_parts(&p.name).join(".");
    let value = match &p.value {
        FunctionSetValue::Default => "default".to_string(),
        FunctionSetValue::FromCurrent => "from current".to_string(),
        FunctionSetValue::Values(v) => v
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    if name == "search_path" {
        let list: Vec<String> = match &p.value {
            FunctionSetValue::Values(v) => v
                .iter()
                .flat_map(|e| match e {
                    Expr::Value(v) => match &v.value {
                        SqlValue::SingleQuotedString(s) => s
                            .split(',')
                            .map(|x| x.trim().trim_matches('"').to_string())
                            .collect::<Vec<_>>(),
                        other => vec![other.to_string()],
                    },
                    Expr::Identifier(i) => vec![ident(i)],
                    other => vec![other.to_string()],
                })
                .filter(|s| !s.is_empty())
                .collect(),
            FunctionSetValue::FromCurrent => vec!["from current".into()],
            FunctionSetValue::Default => vec!["default".into()],
        };
        f.search_path = Some(at(list, span));
    } else {
        f.config.retain(|(k, _)| *k != name);
        f.config.push((name, value));
    }
}

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE name(args) …` read from its tokens: the name, the
/// arguments as written, `LANGUAGE`, `SECURITY DEFINER|INVOKER` and `SET` options.
pub(super) fn create_from_tokens(ctx: &mut Ctx, st: &Stmt) -> bool {
    let mut k = 1;
    if st.is_kw(1, "OR") && st.is_kw(2, "REPLACE") {
        k = 3;
    }
    let procedure = st.is_kw(k, "PROCEDURE");
    if !st.is_kw(0, "CREATE") || !(procedure || st.is_kw(k, "FUNCTION")) {
        return false;
    }
    let (parts, after) = st.name_at(k + 1);
    if parts.is_empty() || !st.toks.get(after).is_some_and(|t| t.kind == Kind::LParen) {
        return false;
    }
    let Some(close) = st.closing(after) else {
        return false;
    };
    let args = st
        .comma_split(after + 1, close)
        .into_iter()
        .map(|(a, b)| {
            st.toks[a..=b]
                .iter()
                .map(|t| t.text(st.src).to_lowercase())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let name = ctx.qualify_parts(&parts);
    let (whole, focus) = (st.whole(), st.focus());
    let kind = if procedure { "procedure" } else { "function" };
    let mut f = Function::new(name, kind, args, true, whole, focus);
    let mut depth = 0usize;
    let mut i = close + 1;
    while i < st.toks.len() {
        let t = &st.toks[i];
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 || t.kind != Kind::Word {
            i += 1;
            continue;
        }
        if t.is(st.src, "BEGIN") && st.is_kw(i + 1, "ATOMIC") {
            break;
        }
        if t.is(st.src, "LANGUAGE")
            && let Some(l) = st.toks.get(i + 1)
        {
            f.language = Some(st.tok_ident(l).trim_matches('\'').to_string());
        } else if t.is(st.src, "SECURITY")
            && (st.is_kw(i + 1, "DEFINER") || st.is_kw(i + 1, "INVOKER"))
        {
            f.security_definer = at(
                st.is_kw(i + 1, "DEFINER"),
                st.span(t.start, st.toks[i + 1].end),
            );
        } else if t.is(st.src, "SET") && !st.is_kw(i - 1, "RETURNS") {
            let name_tok = st.toks.get(i + 1);
            let end = st
                .find_kw(
                    i + 2,
                    &[
                        "LANGUAGE",
                        "SECURITY",
                        "SET",
                        "AS",
                        "RETURN",
                        "BEGIN",
                        "IMMUTABLE",
                        "STABLE",
                        "VOLATILE",
                        "STRICT",
                        "CALLED",
                        "PARALLEL",
                        "COST",
                        "ROWS",
                        "LEAKPROOF",
                        "NOT",
                        "EXTERNAL",
                        "SUPPORT",
                        "TRANSFORM",
                        "WINDOW",
                    ],
                )
                .unwrap_or(st.toks.len());
            if let Some(n) = name_tok {
                let param = st.tok_ident(n);
                let values: Vec<&Tok> = st.toks[(i + 2).min(end)..end]
                    .iter()
                    .filter(|v| !(v.is(st.src, "TO") || v.text(st.src) == "="))
                    .filter(|v| v.kind != Kind::Comma)
                    .collect();
                let span = st.span(t.start, st.toks[end.saturating_sub(1).max(i)].end);
                if param == "search_path" {
                    let list = values
                        .iter()
                        .flat_map(|v| match v.kind {
                            Kind::Str => v
                                .text(st.src)
                                .trim_matches('\'')
                                .split(',')
                                .map(|x| x.trim().trim_matches('"').to_string())
                                .collect::<Vec<_>>(),
                            _ => vec![st.tok_ident(v)],
                        })
                        .filter(|s| !s.is_empty())
                        .collect();
                    f.search_path = Some(at(list, span));
                } else {
                    let value = values
                        .iter()
                        .map(|v| v.text(st.src))
                        .collect::<Vec<_>>()
                        .join(", ");
                    f.config.retain(|(k, _)| *k != param);
                    f.config.push((param, value));
                }
            }
            i = end;
            continue;
        }
        i += 1;
    }
    ctx.schema.put_function(f);
    true
}
