{{- define "s" }}s:{{ . }}{{ end -}}
