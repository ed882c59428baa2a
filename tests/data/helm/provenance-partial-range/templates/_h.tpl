{{- /* A values map or list given as a dict member and printed as nixys's universal chart
prints it: text through tpl, anything else through toYaml then tpl. */ -}}
{{- define "render" -}}
{{- if typeIs "string" .value }}
{{- tpl .value .context }}
{{- else }}
{{- tpl (.value | toYaml) .context }}
{{- end }}
{{- end -}}

{{- define "volumes" -}}
{{- range .volumes }}
- name: {{ .name }}
  {{- with .hostPath }}
  hostPath:
    path: {{ .path }}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "pod" -}}
{{- $ := .context -}}
{{- with .value -}}
{{- with .securityContext }}
securityContext: {{- include "render" (dict "value" . "context" $) | nindent 2 }}
{{- end }}
containers:
{{- range .containers }}
- name: {{ .name }}
  image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
  {{- with .securityContext }}
  securityContext: {{- include "render" (dict "value" . "context" $) | nindent 4 }}
  {{- end }}
  {{- with .resources }}
  resources: {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- with .volumes }}
volumes: {{- include "volumes" (dict "volumes" . "context" $) | nindent 2 }}
{{- end }}
{{- end -}}
{{- end -}}
