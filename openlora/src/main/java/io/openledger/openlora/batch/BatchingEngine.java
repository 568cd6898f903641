package io.openledger.openlora.batch;

import io.openledger.openlora.adapter.AdapterCache;
import io.openledger.openlora.adapter.AdapterCatalog;
import io.openledger.openlora.adapter.AdapterLookup;
import io.openledger.openlora.adapter.AdapterManifest;
import io.openledger.openlora.adapter.AdapterReader;
import io.openledger.openlora.chat.ChatTemplate;
import io.openledger.openlora.chat.TemplateError;
import io.openledger.openlora.engine.AdapterInfo;
import io.openledger.openlora.engine.ChatMessage;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.EngineMetrics;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationRequest;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.engine.ModelInfo;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.model.ForwardPass;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.sample.Sampler;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import io.openledger.openlora.tokenizer.StreamDecoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: checks and queues requests on the caller's thread, and runs them on one scheduler
 * thread (see {@link Scheduler}) that forms a batch from whatever is running at each decode step.
 */
public final class BatchingEngine implements InferenceEngine {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingEngine.class);

  private final EngineConfig config;
  private final LlamaModel model;
  private final ModelTokenizer tokenizer;
  private final ModelInfo info;
  private final KernelPool pool;
  private final AdapterCatalog catalog;
  private final AdapterCache cache;
  private final ExecutorService loader;
  private final ChatTemplate chat;
  private final BitSet eos = new BitSet();
  private final int contextLength;
  private final long kvBudget;
  private final Scheduler scheduler;

  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final LatencyWindow ttft = new LatencyWindow();
  private final LatencyWindow adapterLoad = new LatencyWindow();
  private volatile boolean closed;

  private BatchingEngine(EngineConfig config, LlamaModel model, ModelTokenizer tokenizer) {
    this.config = config;
    this.model = model;
    this.tokenizer = tokenizer;
    LlamaConfig c = model.config();
    int ctx = config.maxContextLength() > 0 ? config.maxContextLength() : c.maxPositions();
    this.contextLength = Math.min(ctx, c.maxPositions());
    for (int id : c.eosTokenIds()) {
      eos.set(id);
    }
    if (!tokenizer.eosToken().isEmpty()) {
      int[] e = tokenizer.encode(tokenizer.eosToken(), false);
      if (e.length == 1) {
        eos.set(e[0]);
      }
    }
    String id = config.modelDir().toAbsolutePath().normalize().getFileName().toString();
    this.chat = ChatTemplate.load(tokenizer.chatTemplate(), tokenizer.specialTokens());
    chat.refusal()
        .ifPresent(
            why ->
                LOG.warn(
                    "model {}: chat template refused because {}; /v1/chat/completions will answer"
                        + " an error, /v1/completions works",
                    id,
                    why));
    this.info =
        new ModelInfo(
            id,
            c.modelType(),
            c.vocabSize(),
            contextLength,
            c.hiddenSize(),
            c.layers(),
            model.parameters(),
            model.weightBytes(),
            model.weightFormat(),
            c.bosTokenId(),
            eos.stream().toArray(),
            tokenizer.chatTemplate(),
            chat.refusal());
    this.pool = new KernelPool(config.threads());
    Set<String> names = new LinkedHashSet<>(List.of(id));
    if (!c.nameOrPath().isBlank()) {
      names.add(c.nameOrPath());
    }
    AdapterReader reader = new AdapterReader(c, names, config.strictAdapterBase());
    this.catalog =
        new AdapterCatalog(
            reader, config.adapterDir(), config.blobStoreDir(), config.bundleResolver());
    this.loader =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "openlora-adapter-loader");
              t.setDaemon(true);
              return t;
            });
    this.cache =
        new AdapterCache(reader, config.adapterMemoryBudgetBytes(), loader, adapterLoad::record);
    // KV caches live on the heap next to everything else: allow them half of what is free
    this.kvBudget = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 2);
    int rows = Math.max(config.maxBatchSize(), 256);
    this.scheduler =
        new Scheduler(
            new ForwardPass(model, pool, rows, contextLength),
            model,
            new Scheduler.Limits(config.maxBatchSize(), kvBudget, config.mergeMode()),
            new Scheduler.Adapters(cache, catalog, loader),
            new Scheduler.Vocabulary(tokenizer, eos),
            queued::decrementAndGet,
            ttft::record);
  }

  /** Opens an engine (see {@link InferenceEngine#open}). */
  public static InferenceEngine open(EngineConfig config) {
    Path dir = config.modelDir();
    LlamaModel model = LlamaModel.load(dir, config.int8Weights());
    if (!model.config().unknownKeys().isEmpty()) {
      LOG.warn(
          "{}/config.json: keys {} are unknown to OpenLoRA and assumed not to change the math",
          dir.getFileName(),
          model.config().unknownKeys());
    }
    ModelTokenizer tok;
    try {
      tok = ModelTokenizer.load(dir);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    if (tok.vocabSizeHint() > model.config().vocabSize()) {
      model.close();
      tok.close();
      throw new IllegalArgumentException(
          "tokenizer.json has "
              + tok.vocabSizeHint()
              + " tokens but the model's vocab_size is "
              + model.config().vocabSize());
    }
    BatchingEngine e = new BatchingEngine(config, model, tok);
    e.scheduler.start();
    return e;
  }

  @Override
  public ModelInfo model() {
    return info;
  }

  @Override
  public List<AdapterInfo> adapters() {
    List<AdapterInfo> out = new ArrayList<>();
    for (String id : catalog.ids()) {
      if (catalog.lookup(id) instanceof AdapterLookup.Found f) {
        out.add(info(f.manifest()));
      }
    }
    return out;
  }

  @Override
  public AdapterInfo adapter(String adapterId) {
    return info(resolve(adapterId));
  }

  @Override
  public AdapterInfo registerAdapter(String adapterId, Path directory) {
    return switch (catalog.register(adapterId, directory)) {
      case AdapterLookup.Found f -> info(f.manifest());
      case AdapterLookup.Invalid i -> throw new EngineException.AdapterInvalid(i.id(), i.reason());
      case AdapterLookup.NotFound n -> throw new EngineException.AdapterNotFound(n.id());
      case AdapterLookup.Unavailable u ->
          throw new EngineException.Internal("adapter " + u.id() + ": " + u.reason(), null);
    };
  }

  private AdapterInfo info(AdapterManifest m) {
    return new AdapterInfo(
        m.id(),
        m.rank(),
        m.alpha(),
        m.targetModules(),
        m.baseModel(),
        m.weightBytes(),
        cache.tier(m),
        m.warnings());
  }

  AdapterManifest resolve(String id) {
    return switch (catalog.lookup(id)) {
      case AdapterLookup.Found f -> f.manifest();
      case AdapterLookup.Invalid i -> throw new EngineException.AdapterInvalid(i.id(), i.reason());
      case AdapterLookup.NotFound n -> throw new EngineException.AdapterNotFound(n.id());
      case AdapterLookup.Unavailable u ->
          throw new EngineException.Internal("adapter " + u.id() + ": " + u.reason(), null);
    };
  }

  @Override
  public Generation submit(GenerationRequest request) {
    if (closed) {
      throw new EngineException.OverCapacity("the engine is shutting down", Duration.ofSeconds(5));
    }
    long now = System.nanoTime();
    int[] prompt = promptTokens(request.prompt());
    if (prompt.length >= contextLength) {
      throw new EngineException.InvalidRequest(
          "the prompt has "
              + prompt.length
              + " tokens; the context holds "
              + contextLength
              + " (prompt and completion together)");
    }
    int maxNew = Math.min(request.sampling().maxTokens(), contextLength - prompt.length);
    List<AdapterManifest> adapters = new ArrayList<>();
    double[] weights = adapterWeights(request.adapters(), adapters);
    for (AdapterManifest m : adapters) {
      if (!cache.fitsBudget(m)) {
        throw new EngineException.InvalidRequest(
            "adapter "
                + m.id()
                + " needs "
                + m.weightBytes()
                + " bytes, more than the whole adapter memory budget of "
                + cache.budget());
      }
    }
    if (KvCache.bytesFor(model.config(), prompt.length + maxNew) > kvBudget) {
      throw new EngineException.InvalidRequest(
          "prompt plus max_tokens needs more KV cache than the engine holds");
    }
    int q = queued.incrementAndGet();
    if (q > config.maxQueuedRequests() + config.maxBatchSize()) {
      queued.decrementAndGet();
      rejected.incrementAndGet();
      long seconds = 1 + q / Math.max(1, config.maxBatchSize());
      throw new EngineException.OverCapacity(
          q - 1 + " requests are already waiting; try again shortly", Duration.ofSeconds(seconds));
    }
    long seed = request.sampling().seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
    GenerationHandle handle =
        new GenerationHandle("gen-" + ids.incrementAndGet(), prompt.length, scheduler::wake);
    Sequence s =
        new Sequence(
            handle,
            prompt,
            maxNew,
            List.copyOf(adapters),
            weights,
            new Sampler(request.sampling(), seed, model.config().vocabSize()),
            new StreamDecoder(tokenizer),
            new StopText(request.sampling().stopSequences()),
            request.logprobs(),
            now);
    scheduler.enqueue(s);
    return handle;
  }

  private int[] promptTokens(GenerationRequest.Prompt p) {
    int[] ids =
        switch (p) {
          case GenerationRequest.Prompt.Text t -> tokenizer.encode(t.text(), true);
          case GenerationRequest.Prompt.Tokens t -> t.ids();
        };
    if (ids.length == 0) {
      throw new EngineException.InvalidRequest("the prompt is empty");
    }
    for (int id : ids) {
      if (id < 0 || id >= model.config().vocabSize()) {
        throw new EngineException.InvalidRequest(
            "prompt token "
                + id
                + " is outside the vocabulary [0, "
                + model.config().vocabSize()
                + ")");
      }
    }
    return ids;
  }

  private double[] adapterWeights(AdapterChoice choice, List<AdapterManifest> out) {
    return switch (choice) {
      case AdapterChoice.Base b -> new double[0];
      case AdapterChoice.Single s -> {
        out.add(resolve(s.adapterId()));
        yield new double[] {1.0};
      }
      case AdapterChoice.Ensemble e -> {
        double[] w = new double[e.members().size()];
        for (int i = 0; i < w.length; i++) {
          out.add(resolve(e.members().get(i).adapterId()));
          w[i] = e.members().get(i).weight();
        }
        yield w;
      }
    };
  }

  @Override
  public int[] encode(String text) {
    return tokenizer.encode(text, false);
  }

  @Override
  public String decode(int[] tokenIds) {
    return tokenizer.decode(tokenIds);
  }

  @Override
  public String renderChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
    if (!chat.usable()) {
      throw new EngineException.ChatUnavailable(info.id(), chat.refusal().orElseThrow());
    }
    if (messages.isEmpty()) {
      throw new EngineException.InvalidRequest("messages must not be empty");
    }
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (ChatMessage m : messages) {
      // key order as an OpenAI client sends it: templates that print or tojson a message see it
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("role", m.role());
      message.put("content", m.content());
      msgs.add(message);
    }
    try {
      return chat.render(msgs, null, addGenerationPrompt);
    } catch (TemplateError e) {
      throw new EngineException.InvalidRequest(
          switch (e.kind()) {
            case RAISED -> "the chat template refused the messages: " + e.getMessage();
            default -> "the chat template failed: " + e.getMessage();
          });
    }
  }

  @Override
  public EngineMetrics metrics() {
    Scheduler.Counters c = scheduler.counters();
    return new EngineMetrics(
        c.completed(),
        c.failed(),
        rejected.get(),
        c.running(),
        Math.max(0, queued.get() - c.running()),
        c.promptTokens(),
        c.completionTokens(),
        c.tokensPerSecond(),
        ttft.snapshot(),
        adapterLoad.snapshot(),
        new EngineMetrics.TierCounters(cache.warmHits(), cache.warmMisses(), cache.evictions()),
        new EngineMetrics.TierCounters(cache.loads(), cache.failedLoads(), 0),
        cache.residentCount(),
        cache.residentBytes(),
        cache.budget(),
        model.weightBytes() + c.mergedBytes(),
        c.kvBytes());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.stop();
    loader.shutdownNow();
    pool.close();
    tokenizer.close();
    model.close();
  }
}
