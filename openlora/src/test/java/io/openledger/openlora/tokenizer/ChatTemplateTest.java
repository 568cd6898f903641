package io.openledger.openlora.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.engine.ChatMessage;
import io.openledger.openlora.engine.EngineException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Chat templates as shipped in tokenizer_config.json of well-known models. */
class ChatTemplateTest {
  static final List<ChatMessage> CHAT =
      List.of(
          new ChatMessage("system", "Be brief."),
          new ChatMessage("user", " Hi "),
          new ChatMessage("assistant", "Hello."),
          new ChatMessage("user", "Pay the data?"));

  static final String LLAMA3 =
      "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content ="
          + " '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content']"
          + " | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content"
          + " %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{"
          + " '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

  static final String MISTRAL =
      "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') !="
          + " (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate"
          + " user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{"
          + " '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant'"
          + " %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and"
          + " assistant roles are supported!') }}{% endif %}{% endfor %}";

  static final String SMOLLM =
      "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{"
          + " '<|im_start|>system\\nYou are a helpful AI assistant<|im_end|>\\n' }}{% endif"
          + " %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' +"
          + " '\\n'}}{% endfor %}\n{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}";

  @Test
  void llama3() {
    ChatTemplate t = ChatTemplate.of(Optional.of(LLAMA3), "<|begin_of_text|>", "<|end_of_text|>");
    assertThat(t.fromModel()).isTrue();
    assertThat(t.render(CHAT.subList(0, 2), true))
        .isEqualTo(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
  }

  @Test
  void mistralRefusesWhatItsTemplateRefuses() {
    ChatTemplate t = ChatTemplate.of(Optional.of(MISTRAL), "<s>", "</s>");
    assertThat(t.render(CHAT.subList(1, 4), false))
        .isEqualTo("<s>[INST]  Hi  [/INST]Hello.</s>[INST] Pay the data? [/INST]");
    assertThatThrownBy(() -> t.render(CHAT, false))
        .isInstanceOf(EngineException.InvalidRequest.class)
        .hasMessageContaining("Conversation roles must alternate");
  }

  @Test
  void smolLmWithWhitespaceControl() {
    ChatTemplate t = ChatTemplate.of(Optional.of(SMOLLM), "", "");
    assertThat(t.render(List.of(new ChatMessage("user", "Hi")), true))
        .isEqualTo(
            "<|im_start|>system\nYou are a helpful AI assistant<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void namespacesFiltersAndLoopsWork() {
    String src =
        "{%- set ns = namespace(n=0, sys='') -%}{%- for m in messages if m.role != 'system' -%}"
            + "{%- set ns.n = ns.n + 1 -%}{{ loop.index }}:{{ m.content | upper }}{{ ',' if not"
            + " loop.last }}{%- endfor -%}|{{ ns.n }}|{{ messages | length }}|{{ messages[0].role"
            + " }}|{{ 'x' in 'xyz' }}|{{ messages[0] | tojson }}|{{ missing is defined }}";
    ChatTemplate t = ChatTemplate.of(Optional.of(src), "", "");
    assertThat(t.render(CHAT, false))
        .isEqualTo(
            "1: HI ,2:HELLO.,3:PAY THE DATA?|3|4|system|True|{\"role\":\"system\",\"content\":\"Be brief.\"}|False");
  }

  @Test
  void unsupportedTemplatesFallBackToAPlainLayout() {
    ChatTemplate t = ChatTemplate.of(Optional.of("{% macro x() %}{% endmacro %}"), "", "");
    assertThat(t.fromModel()).isFalse();
    assertThat(t.render(CHAT.subList(0, 2), true))
        .isEqualTo("system: Be brief.\nuser:  Hi \nassistant: ");
    assertThat(ChatTemplate.of(Optional.empty(), "", "").fromModel()).isFalse();
  }
}
