/// The page's own stylesheet and scripts, inlined into every report.
enum ReportPageAssets {
    /// Light and dark palettes through `prefers-color-scheme`, chart styling by class, and a
    /// print layout (white paper, no buttons, no page breaks inside a chart).
    static let css = """
    :root{--bg:#fbfbfa;--fg:#1d2228;--muted:#5d6670;--line:#d9dde2;--panel:#ffffff;--accent:#2f5fd0;--good:#1f9d55;--bad:#d2413a;--same:#9aa3ad;--warn:#b7791f;--grid:#eceff2;color-scheme:light dark}
    @media (prefers-color-scheme:dark){:root{--bg:#15181c;--fg:#e6e8eb;--muted:#9aa3ad;--line:#2d333a;--panel:#1c2026;--accent:#7aa2ff;--good:#3ccf7e;--bad:#ff6b62;--same:#6b737c;--warn:#e0a84a;--grid:#252a31}}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif}
    header,main,footer{max-width:980px;margin:0 auto;padding:0 20px}
    header{padding-top:24px}
    h1{font-size:1.5rem;margin:0 0 4px;display:flex;align-items:center;gap:10px;flex-wrap:wrap}
    h2{font-size:1.15rem;margin:0 0 10px}
    h3{font-size:1rem;margin:18px 0 6px}
    h4{margin:0 0 4px;font-size:.85rem;color:var(--muted)}
    .facts,.note,figcaption,footer{color:var(--muted);font-size:.88rem}
    .banner{background:color-mix(in srgb,var(--warn) 18%,transparent);border:1px solid var(--warn);border-radius:6px;padding:6px 10px}
    section{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:16px 0}
    .badge{font-size:.8rem;letter-spacing:.06em;padding:3px 10px;border-radius:999px;color:#fff;background:var(--same)}
    .badge.ship{background:var(--good)}.badge.reject{background:var(--bad)}.badge.hold{background:var(--warn)}
    .reasons{margin:0 0 8px;padding-left:20px}
    figure{margin:8px 0 12px}.scroll{overflow-x:auto}
    svg.chart{max-width:100%;height:auto;display:block}svg[data-chart=intervals],svg[data-chart=score-spend]{width:100%}
    svg text{fill:var(--fg);font-size:11px;font-family:inherit}
    svg .tick,svg .caption,svg .ref-label{fill:var(--muted)}
    svg .axis{stroke:var(--muted);stroke-width:1}
    svg .grid{stroke:var(--grid);stroke-width:1}
    svg .ref{stroke-width:1.5}svg .zero{stroke:var(--muted)}svg .minlift{stroke:var(--accent);stroke-dasharray:5 4}
    svg .interval .span{stroke:var(--same);stroke-width:3}svg .interval .cap{stroke:var(--same);stroke-width:2}svg .interval .dot{fill:var(--same)}
    svg .interval.pass .span,svg .interval.pass .cap{stroke:var(--good)}svg .interval.pass .dot{fill:var(--good)}
    svg .interval.fail .span,svg .interval.fail .cap{stroke:var(--warn)}svg .interval.fail .dot{fill:var(--warn)}
    svg .point{fill:var(--same);stroke:var(--panel);stroke-width:1.5}
    svg .point.pareto{fill:var(--accent)}
    svg .point.baseline{fill:var(--muted)}
    svg .point.winner{fill:var(--good);stroke:var(--fg);stroke-width:2.5}
    svg .frontier{fill:none;stroke:var(--accent);stroke-width:1.5;stroke-opacity:.7}
    svg .rug-tick{stroke:var(--bad);stroke-width:1.5;stroke-opacity:.6}
    svg .point-label{font-weight:600}
    svg .cell{fill:var(--same)}svg .cell.improved{fill:var(--good)}svg .cell.regressed{fill:var(--bad)}svg .cell.scored{fill:var(--accent)}
    svg .cell:hover,svg .point:hover,svg .node:hover circle{stroke:var(--fg);stroke-width:2}
    svg .edge{fill:none;stroke:var(--line);stroke-width:1.5}svg .edge.accepted,svg .edge.winner{stroke:var(--muted)}svg .edge.merge{stroke-dasharray:3 3}
    svg .node circle{fill:var(--accent)}svg .node.rejected circle{fill:var(--bad);fill-opacity:.55}
    svg .node.baseline circle{fill:var(--muted)}svg .node.winner circle{fill:var(--good);stroke:var(--fg);stroke-width:2}
    svg .node-label{font-size:10.5px}svg .node-label.minor{fill:var(--muted);font-size:9.5px}
    table{border-collapse:collapse;width:100%;font-size:.88rem;margin:6px 0}
    th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
    th{color:var(--muted);font-weight:600}
    table.sortable th{cursor:pointer;user-select:none}table.sortable th:hover{color:var(--accent)}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    tr.total td{font-weight:600}
    .status{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.8rem;background:color-mix(in srgb,var(--same) 25%,transparent)}
    .status.pass,.status.improved{background:color-mix(in srgb,var(--good) 25%,transparent)}
    .status.fail,.status.regressed{background:color-mix(in srgb,var(--bad) 25%,transparent)}
    .status.notEvaluated{background:color-mix(in srgb,var(--warn) 25%,transparent)}
    .sorter{display:flex;gap:6px;align-items:center;flex-wrap:wrap;font-size:.85rem;color:var(--muted)}
    button{font:inherit;font-size:.82rem;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:2px 10px;cursor:pointer}
    button[aria-pressed=true]{border-color:var(--accent);color:var(--accent)}
    pre{white-space:pre-wrap;word-break:break-word;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;font-size:.82rem;margin:4px 0}
    pre.diff span{display:block}pre.diff .add{background:color-mix(in srgb,var(--good) 18%,transparent)}pre.diff .del{background:color-mix(in srgb,var(--bad) 18%,transparent)}
    pre.diff .hunk,pre.diff .file{color:var(--muted)}
    .sides{display:grid;grid-template-columns:1fr 1fr;gap:12px}
    summary{cursor:pointer;color:var(--accent);font-size:.88rem;margin:6px 0}
    dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;font-size:.88rem}dt{color:var(--muted)}dd{margin:0;word-break:break-all}
    .turn{border-left:3px solid var(--line);padding:2px 10px;margin:6px 0}.turn.user{border-color:var(--accent)}.turn.assistant{border-color:var(--good)}
    .turn .who{font-size:.75rem;color:var(--muted);text-transform:uppercase}.turn p{margin:0;white-space:pre-wrap}
    td[style]{background:color-mix(in srgb,var(--good) calc(var(--v) * 35%),transparent)}
    footer{padding:8px 20px 28px}
    @media print{:root{--bg:#fff;--fg:#000;--panel:#fff;--line:#ccc;--grid:#eee}body{font-size:11pt}section{break-inside:avoid;border:none;padding:8px 0}.sorter,summary{display:none}details>*{display:block}}
    @media (max-width:700px){.sides{grid-template-columns:1fr}}
    """

    /// Runs first: any script error is written onto the page (`data-js-errors` on `<html>`),
    /// where a person and the headless-browser test both see it.
    static let errorCatcher = """
    window.addEventListener("error",function(e){var r=document.documentElement;r.setAttribute("data-js-errors",(r.getAttribute("data-js-errors")||"")+(e.message||"error")+";");});
    """

    /// Sorting for the item squares and the sortable tables (`report.html#sort=score` opens the
    /// page sorted, which is also how the browser test exercises it); opens every `<details>` to print.
    static let script = """
    (function(){
    "use strict";
    var keys={order:function(c){return +c.getAttribute("data-index");},change:function(c){return +(c.getAttribute("data-delta")||0);},score:function(c){return +c.getAttribute("data-score");},id:function(c){return c.getAttribute("data-id");}};
    function compare(a,b){return a<b?-1:a>b?1:0;}
    function sortCells(svg,key){
    var cells=Array.prototype.slice.call(svg.querySelectorAll("rect.cell"));var f=keys[key];
    cells.sort(function(a,b){return compare(f(a),f(b))||compare(keys.order(a),keys.order(b));});
    var cols=+svg.getAttribute("data-columns"),step=+svg.getAttribute("data-step");
    cells.forEach(function(c,i){c.setAttribute("x",(i%cols)*step+1);c.setAttribute("y",Math.floor(i/cols)*step+1);});
    }
    document.querySelectorAll("[data-sort-cells]").forEach(function(button){
    button.addEventListener("click",function(){
    var section=button.closest("section");var svg=section.querySelector("svg[data-chart=items]");
    sortCells(svg,button.getAttribute("data-sort-cells"));
    section.querySelectorAll("[data-sort-cells]").forEach(function(b){b.setAttribute("aria-pressed",b===button?"true":"false");});
    });
    });
    document.querySelectorAll("table.sortable").forEach(function(table){
    table.querySelectorAll("th").forEach(function(th,column){
    th.addEventListener("click",function(){
    var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);var up=th.getAttribute("aria-sort")!=="ascending";
    rows.sort(function(a,b){var x=a.cells[column].textContent,y=b.cells[column].textContent;var nx=parseFloat(x),ny=parseFloat(y);
    var c=(!isNaN(nx)&&!isNaN(ny))?compare(nx,ny):compare(x,y);return up?c:-c;});
    rows.forEach(function(r){body.appendChild(r);});
    table.querySelectorAll("th").forEach(function(h){h.removeAttribute("aria-sort");});th.setAttribute("aria-sort",up?"ascending":"descending");
    });
    });
    });
    var wanted=/sort=([a-z]+)/.exec(location.hash);
    if(wanted){document.querySelectorAll("[data-sort-cells="+wanted[1]+"]").forEach(function(b){b.click();});}
    window.addEventListener("beforeprint",function(){document.querySelectorAll("details").forEach(function(d){d.open=true;});});
    document.body.setAttribute("data-ready","true");
    })();
    """
}
