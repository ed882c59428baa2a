
(function(){
  function apply(){
    var sev={};document.querySelectorAll('input[data-sev]').forEach(function(c){sev[c.getAttribute('data-sev')]=c.checked;});
    var fw=document.getElementById('fw').value;
    var shown=0;
    document.querySelectorAll('.finding,.frow').forEach(function(el){
      var ok=sev[el.getAttribute('data-severity')]&&(fw===''||(' '+el.getAttribute('data-frameworks')+' ').indexOf(' '+fw+' ')>=0);
      el.classList.toggle('hidden',!ok);
      if(ok&&el.classList.contains('finding'))shown++;
    });
    document.querySelectorAll('details[data-group]').forEach(function(d){
      d.classList.toggle('hidden',d.querySelectorAll('.finding:not(.hidden),.frow:not(.hidden)').length===0);
    });
    document.querySelectorAll('section.framework').forEach(function(s){
      s.classList.toggle('hidden',fw!==''&&s.getAttribute('data-framework')!==fw);
    });
    document.getElementById('shown').textContent=shown;
  }
  document.querySelectorAll('.filters input,.filters select').forEach(function(el){el.addEventListener('change',apply);});
  apply();
})();
