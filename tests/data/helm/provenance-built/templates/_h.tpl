{{- define "built.sc" -}}
{{- $sc := .sc -}}
{{ toYaml $sc }}
{{- end -}}
