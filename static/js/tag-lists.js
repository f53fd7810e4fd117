// Progressive enhancement for comma-separated tag fields: a native <datalist> only
// matches the whole value, so after "Naruto, Hat" it would suggest nothing. This
// rewrites each field's own list so every option is "what you typed before the last
// comma" + an existing tag. Without JavaScript the plain datalist still works.
(function () {
  "use strict";
  document.querySelectorAll("input[list^='tags-']").forEach(function (input) {
    var source = document.getElementById(input.getAttribute("list"));
    if (!source) { return; }
    var names = Array.prototype.map.call(source.options, function (o) { return o.value; });
    var own = document.createElement("datalist");
    own.id = input.id + "-suggestions";
    input.after(own);
    input.setAttribute("list", own.id);
    function refresh() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var head = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
      var typed = value.slice(cut + 1).trim().toLowerCase();
      var chosen = value.toLowerCase().split(",").map(function (s) { return s.trim(); });
      own.replaceChildren();
      names.filter(function (name) {
        var lower = name.toLowerCase();
        return (!typed || lower.indexOf(typed) !== -1) && chosen.indexOf(lower) === -1;
      }).slice(0, 50).forEach(function (name) {
        var option = document.createElement("option");
        option.value = head + name;
        own.appendChild(option);
      });
    }
    input.addEventListener("input", refresh);
    input.addEventListener("focus", refresh);
  });
})();
