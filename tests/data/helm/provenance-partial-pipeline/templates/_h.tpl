{{- define "t.volumes" -}}
{{- range concat .vols .extra }}
- name: {{ .name }}
  hostPath:
    path: {{ .hostPath.path | quote }}
{{- end }}
{{- end -}}

{{- define "t.main" -}}
{{- with index .containers 0 }}
- name: {{ .name }}
  image: {{ .image | trim }}
  securityContext:
    privileged: {{ .securityContext.privileged }}
{{- end }}
{{- end -}}
