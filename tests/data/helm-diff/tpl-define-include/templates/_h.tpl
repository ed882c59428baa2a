{{- define "h" }}OLD{{ end -}}
{{- define "callsLeaf" }}<{{ include "leaf" . }}>{{ end -}}
