//! runeguard patch 33: Go's parse-time name checks. Go's parser refuses a template that
//! calls a function the set does not define (`function "x" not defined`) or uses a variable
//! not declared in scope (`undefined variable "$x"`), even in a branch that never runs.
//! Scopes are Go's: a declaration lasts to the `end` of the `if`/`range`/`with` it is in
//! (its `else` branches included); a `define` body starts with `$` alone.

use super::node::{Expr, ListNode, Node, PipeNode, Pos};
use super::SmolStr;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// The first name the tree uses that Go's parser would refuse: its position and Go's message.
pub fn check_names(root: &ListNode, has_func: &dyn Fn(&str) -> bool) -> Result<(), (Pos, String)> {
    let mut vars: Vec<SmolStr> = vec![SmolStr::from("$")];
    list(root, &mut vars, has_func)
}

fn list(l: &ListNode, vars: &mut Vec<SmolStr>, f: &dyn Fn(&str) -> bool) -> Result<(), (Pos, String)> {
    for n in &l.nodes {
        node(n, vars, f)?;
    }
    Ok(())
}

fn node(n: &Node, vars: &mut Vec<SmolStr>, f: &dyn Fn(&str) -> bool) -> Result<(), (Pos, String)> {
    match n {
        Node::List(l) => list(l, vars, f),
        Node::Action(a) => pipe(&a.pipe, vars, f),
        Node::If(b) | Node::Range(b) | Node::With(b) => {
            let depth = vars.len();
            let r = pipe(&b.pipe, vars, f)
                .and_then(|()| list(&b.body, vars, f))
                .and_then(|()| b.else_body.as_ref().map_or(Ok(()), |e| list(e, vars, f)));
            vars.truncate(depth);
            r
        }
        Node::Template(t) => t.pipe.as_ref().map_or(Ok(()), |p| pipe(p, vars, f)),
        Node::Define(d) => list(&d.body, &mut vec![SmolStr::from("$")], f),
        Node::Text(_) | Node::Break(_) | Node::Continue(_) => Ok(()),
    }
}

fn pipe(p: &PipeNode, vars: &mut Vec<SmolStr>, f: &dyn Fn(&str) -> bool) -> Result<(), (Pos, String)> {
    if p.is_assign {
        // `$x = …` assigns to a variable that must exist.
        for v in &p.decl {
            if !vars.contains(v) {
                return Err((p.pos, format!("undefined variable {:?}", v.as_str())));
            }
        }
    } else {
        // Go declares the variables before it parses the commands.
        vars.extend(p.decl.iter().cloned());
    }
    for c in &p.commands {
        for e in &c.args {
            expr(e, vars, f)?;
        }
    }
    Ok(())
}

fn expr(e: &Expr, vars: &mut Vec<SmolStr>, f: &dyn Fn(&str) -> bool) -> Result<(), (Pos, String)> {
    match e {
        Expr::Variable(pos, name, _) if !vars.contains(name) => {
            Err((*pos, format!("undefined variable {:?}", name.as_str())))
        }
        Expr::Identifier(pos, name) if !f(name) => {
            Err((*pos, format!("function {:?} not defined", name.as_str())))
        }
        Expr::Pipe(_, p) => pipe(p, vars, f),
        Expr::Chain(_, inner, _) => expr(inner, vars, f),
        _ => Ok(()),
    }
}
