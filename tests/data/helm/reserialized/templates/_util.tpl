{{- define "reserialized.merge" -}}
{{- $top := first . -}}
{{- $overrides := fromYaml (include (index . 1) $top) | default (dict) -}}
{{- $tpl := fromYaml (include (index . 2) $top) | default (dict) -}}
{{- toYaml (merge $overrides $tpl) -}}
{{- end -}}
{{- define "reserialized.labels" -}}
metadata:
  labels:
    app: web
{{- end -}}
{{- define "reserialized.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      initContainers:
        {{- toYaml .Values.initContainers | nindent 8 }}
      containers:
        - name: web
          image: {{ .Values.image }}
          securityContext:
            runAsUser: 0
{{- end -}}
