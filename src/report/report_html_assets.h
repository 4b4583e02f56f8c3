/* report_html_assets.h — the HTML report's one stylesheet and one script, hand-written.
 * Both are inlined in report.html and allowed by hash in its Content-Security-Policy, so
 * nothing else (no injected element, attribute or script) can run or style the page.
 * The script reads the timeline's data with textContent + JSON.parse and builds rows with
 * createElement/textContent only: evidence text never becomes markup. */
#ifndef KS_REPORT_HTML_ASSETS_H
#define KS_REPORT_HTML_ASSETS_H

static const char ks_report_css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}"
    "header{background:#14213d;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:22px}"
    "header p{margin:2px 0;color:#d8dde6}nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #dde;"
    "padding:6px 24px;z-index:2}nav a{margin-right:14px;color:#14213d;text-decoration:none;font-weight:600}"
    "main{padding:8px 24px 48px;max-width:1400px}section>h2{border-bottom:2px solid #14213d;padding-bottom:4px;margin-top:32px}"
    ".card{background:#fff;border:1px solid #dde;border-radius:6px;padding:10px 14px;margin:10px 0}"
    ".answer h3,.finding h3,.chain h3{margin:0 0 6px;font-size:16px}"
    ".sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700;color:#fff;"
    "text-transform:uppercase;margin-right:6px;background:#888}.sev.critical{background:#7b0015}.sev.high{background:#c62828}"
    ".sev.medium{background:#ef6c00}.sev.low{background:#9e9d24}.sev.info{background:#607d8b}"
    ".card.critical{border-left:6px solid #7b0015}.card.high{border-left:6px solid #c62828}"
    ".card.medium{border-left:6px solid #ef6c00}.card.low{border-left:6px solid #9e9d24}"
    ".ents{margin:6px 0}.ent{display:inline-block;background:#eef1f6;border:1px solid #cfd6e3;border-radius:10px;"
    "padding:0 8px;margin:2px 4px 2px 0;font:12px ui-monospace,monospace;color:#14213d;text-decoration:none;cursor:pointer}"
    ".ent b{font-weight:600;color:#52607a}.meta{color:#52607a;font-size:12px}"
    "pre{white-space:pre-wrap;word-break:break-all;background:#0f1419;color:#e6e1cf;padding:8px;border-radius:4px;"
    "font:12px/1.35 ui-monospace,monospace;max-height:320px;overflow:auto}"
    "table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}th,td{border:1px solid #dde;padding:3px 6px;"
    "text-align:left;vertical-align:top}th{background:#eef1f6;position:sticky;top:30px}"
    "td.mono,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}"
    "ol.actions li{margin:4px 0}.phase{display:inline-block;min-width:92px;font-weight:700;color:#14213d}"
    ".controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}"
    ".controls input,.controls select{font:inherit;padding:3px 6px}"
    "tr.ev.sev-critical td:first-child,tr.ev.sev-high td:first-child{border-left:4px solid #c62828}"
    "tr.ev.sev-medium td:first-child{border-left:4px solid #ef6c00}tr.ev.sev-low td:first-child{border-left:4px solid #9e9d24}"
    ".tlwrap{max-height:640px;overflow:auto;border:1px solid #dde}"
    ".nojs{color:#c62828}html.js .nojs{display:none}";

static const char ks_report_js[] =
    "(function(){'use strict';"
    "var SEV=['info','low','medium','high','critical'];"
    "var data=JSON.parse(document.getElementById('ks-data').textContent);"
    "var rows=data.rows,tb=document.getElementById('tl-body');"
    "var q=document.getElementById('f-q'),src=document.getElementById('f-src'),sev=document.getElementById('f-sev'),"
    "ent=document.getElementById('f-ent'),tzs=document.getElementById('f-tz'),cnt=document.getElementById('tl-count');"
    "var seen={};rows.forEach(function(r){seen[r[3]]=1;});"
    "Object.keys(seen).sort().forEach(function(s){var o=document.createElement('option');o.value=s;o.textContent=s;src.appendChild(o);});"
    "if(data.tz){var o=document.createElement('option');o.value='zone';o.textContent=data.tz;tzs.appendChild(o);}"
    "var hay=[],trs=[],frag=document.createDocumentFragment();"
    "rows.forEach(function(r){var tr=document.createElement('tr');"
    "tr.className='ev'+(r[11]>=0?' sev-'+SEV[r[11]]:'');"
    "[1,3,4,5,6,7,8,9,-1,10].forEach(function(k,i){var td=document.createElement('td');"
    "td.textContent=(k<0?(r[11]>=0?SEV[r[11]]:''):r[k]);if(i>1)td.className='mono';tr.appendChild(td);});"
    "frag.appendChild(tr);trs.push(tr);hay.push(r.join('\\u0001').toLowerCase());});"
    "tb.appendChild(frag);"
    "function apply(){var t=q.value.toLowerCase(),s=src.value,m=sev.value===''?-2:SEV.indexOf(sev.value),"
    "e=ent.value.toLowerCase(),z=tzs.value==='zone',n=0;"
    "for(var i=0;i<rows.length;i++){var r=rows[i],ok=true;"
    "if(s&&r[3]!==s)ok=false;if(ok&&m>-2&&r[11]<m)ok=false;"
    "if(ok&&e&&[r[4],r[5],r[7]].join('\\u0001').toLowerCase().indexOf(e)<0)ok=false;"
    "if(ok&&t&&hay[i].indexOf(t)<0)ok=false;"
    "trs[i].hidden=!ok;if(ok)n++;trs[i].firstChild.textContent=z?r[2]:r[1];}"
    "cnt.textContent=n+' of '+rows.length+' events shown';}"
    "function fromHash(){var p=new URLSearchParams(location.hash.replace(/^#/,''));"
    "q.value=p.get('filter')||'';src.value=p.get('source')||'';sev.value=p.get('sev')||'';"
    "ent.value=p.get('entity')||'';tzs.value=p.get('tz')==='zone'&&data.tz?'zone':'utc';apply();}"
    "[q,ent].forEach(function(el){el.addEventListener('input',apply);});"
    "[src,sev,tzs].forEach(function(el){el.addEventListener('change',apply);});"
    "window.addEventListener('hashchange',fromHash);"
    "Array.prototype.forEach.call(document.querySelectorAll('[data-ent]'),function(el){"
    "el.addEventListener('click',function(ev){ev.preventDefault();ent.value=el.getAttribute('data-ent');q.value='';"
    "apply();document.getElementById('timeline').scrollIntoView();});});"
    "fromHash();document.documentElement.className='js';})();";

#endif
