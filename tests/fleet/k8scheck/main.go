// k8scheck decodes the Kubernetes Indexed Job manifest of docs/fleet.md
// strictly (sigs.k8s.io/yaml UnmarshalStrict into k8s.io/api batch/v1 Job:
// an unknown or misspelt field is an error) and checks what goabi relies on.
// usage: k8scheck docs/fleet.md   (prints "ok" or the problems, exit 1)
package main

import (
	"fmt"
	"os"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	s := string(b)
	i := strings.Index(s, "<!-- k8s-job")
	if i < 0 {
		fmt.Println("no <!-- k8s-job --> marker")
		os.Exit(1)
	}
	s = s[i:]
	i = strings.Index(s, "```yaml\n")
	if i < 0 {
		fmt.Println("no yaml block after the marker")
		os.Exit(1)
	}
	s = s[i+8:]
	s = s[:strings.Index(s, "```")]
	var job batchv1.Job
	if err := yaml.UnmarshalStrict([]byte(s), &job); err != nil {
		fmt.Println("strict decode:", err)
		os.Exit(1)
	}
	var bad []string
	if job.APIVersion != "batch/v1" || job.Kind != "Job" {
		bad = append(bad, "not a batch/v1 Job")
	}
	if job.Spec.CompletionMode == nil || *job.Spec.CompletionMode != batchv1.IndexedCompletion {
		bad = append(bad, "completionMode is not Indexed")
	}
	if job.Spec.Completions == nil || job.Spec.Parallelism == nil {
		bad = append(bad, "completions/parallelism missing")
	}
	cs := job.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		bad = append(bad, "expected one container")
	} else {
		args := strings.Join(append(cs[0].Command, cs[0].Args...), " ")
		want := fmt.Sprintf("--shard-count %d", *job.Spec.Completions)
		if !strings.Contains(args, want) || !strings.Contains(args, "JOB_COMPLETION_INDEX") {
			bad = append(bad, "the command does not use "+want+" and $JOB_COMPLETION_INDEX")
		}
	}
	if job.Spec.Template.Spec.RestartPolicy != "Never" && job.Spec.Template.Spec.RestartPolicy != "OnFailure" {
		bad = append(bad, "restartPolicy must be Never or OnFailure for a Job")
	}
	if len(bad) > 0 {
		fmt.Println(strings.Join(bad, "; "))
		os.Exit(1)
	}
	fmt.Printf("ok completions=%d parallelism=%d\n", *job.Spec.Completions, *job.Spec.Parallelism)
}
